/* SPDX-License-Identifier: BSD-2-Clause */
/* mime_rows.h - the rows of check_mime.c: name, message, wanted event dump (dump.h). */
ROW("plain text, no MIME",
    "Subject: x\n\nhello\nworld\n",
    "+0^0 text/plain\n=0 \"hello\\nworld\\n\"\n-0\n"),
ROW("multipart two parts",
    "Content-Type: multipart/mixed; boundary=\"b\"\n\npre\n--b\nContent-Type: text/plain; chars"
     "et=UTF-8\n\nhi\n--b\nContent-Type: application/octet-stream; name=\"a.exe\"\nContent-Trans"
     "fer-Encoding: base64\nContent-Disposition: attachment; filename=\"a.exe\"\n\nTVqQAA==\n--b"
     "--\nepi\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain cs=utf-8\n=1 \"hi\"\n-1\n+2^0 applicatio"
     "n/octet-stream base64 attachment fn=\"a.exe\" n=\"a.exe\"\n=2 \"MZ\\x90\\x00\"\n-2\n-0\n"),
ROW("nested, boundaries sharing a prefix, CRLF",
    "Content-Type: multipart/mixed; boundary=\"ab\"\r\n\r\n--ab\r\nContent-Type: multipart/alte"
     "rnative; boundary=\"abc\"\r\n\r\n--abc\r\nContent-Type: text/plain\r\n\r\none\r\n--abc\r\n"
     "Content-Type: text/html\r\n\r\n<p>two</p>\r\n--abc--\r\n--ab\r\nContent-Type: text/plain\r"
     "\n\r\nthree\r\n--ab--\r\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 multipart/alternative f=multipart\n+2^1 text/plain"
     "\n=2 \"one\"\n-2\n+3^1 text/html\n=3 \"<p>two</p>\"\n-3\n-1\n+4^0 text/plain\n=4 \"three\""
     "\n-4\n-0\n"),
ROW("inner boundary extends the outer",
    "Content-Type: multipart/mixed; boundary=\"abc\"\n\n--abc\nContent-Type: multipart/alternat"
     "ive; boundary=\"ab\"\n\n--ab\n\none\n--abc\n\ntwo\n--abc--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 multipart/alternative f=multipart\n+2^1 text/plain"
     "\n=2 \"one\"\n-2\n-1 f=unclosed\n+3^0 text/plain\n=3 \"two\"\n-3\n-0\n"),
ROW("missing boundary parameter",
    "Content-Type: multipart/mixed\n\n--x\nContent-Type: text/plain\n\nsecret\n--x--\n",
    "+0^0 multipart/mixed f=badboundary\n=0 \"--x\\nContent-Type: text/plain\\n\\nsecret\\n--x-"
     "-\\n\"\n-0\n! malformed: multipart without a usable boundary\n"),
ROW("empty boundary",
    "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n\nx\n",
    "+0^0 multipart/mixed f=badboundary\n=0 \"--\\n\\nx\\n\"\n-0\n! malformed: multipart withou"
     "t a usable boundary\n"),
ROW("boundary given twice, differently",
    "Content-Type: multipart/mixed; boundary=a; boundary=b\n\n--a\n\none\n--b\n\ntwo\n--a--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"one\\n--b\\n\\ntwo\"\n-1\n-0\n! ma"
     "lformed: boundary parameter given twice with different values\n"),
ROW("boundary given twice, the same",
    "Content-Type: multipart/mixed; boundary=a; BOUNDARY=\"a\"\n\n--a\n\none\n--a--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"one\"\n-1\n-0\n"),
ROW("RFC 2231 boundary in pieces",
    "Content-Type: multipart/mixed; boundary*1=\"c\"; boundary*0=\"b\"\n\n--bc\n\none\n--bc--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"one\"\n-1\n-0\n"),
ROW("RFC 2231 encoded boundary",
    "Content-Type: multipart/mixed; boundary*=us-ascii''b%20c\n\n--b c\n\none\n--b c--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"one\"\n-1\n-0\n"),
ROW("missing closing boundary",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"one\\n\"\n-1\n-0 f=unclosed\n"),
ROW("outer boundary ends the inner multipart",
    "Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/mixed; boundary="
     "i\n\n--i\n\none\n--o\n\ntwo\n--o--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 multipart/mixed f=multipart\n+2^1 text/plain\n=2 \""
     "one\"\n-2\n-1 f=unclosed\n+3^0 text/plain\n=3 \"two\"\n-3\n-0\n"),
ROW("close before any part",
    "Content-Type: multipart/mixed; boundary=b\n\npreamble only\n--b--\nepilogue\n",
    "+0^0 multipart/mixed f=multipart\n-0\n! malformed: a multipart without any part\n"),
ROW("junk before and after",
    "Content-Type: multipart/mixed; boundary=b\n\nThis is a multi-part message.\n\n--b\n\nbody"
     "\n--b--\n\nsome footer added by a list\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"body\"\n-1\n-0\n"),
ROW("part inside the preamble",
    "Content-Type: multipart/mixed; boundary=b\n\n--c\nContent-Type: application/x-msdownload; "
     "name=evil.exe\n\nMZ\n--b\n\nbody\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"body\"\n-1\n-0\n! malformed: MIME "
     "header field in a preamble or epilogue\n"),
ROW("headers in the epilogue",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbody\n--b--\n--b\ncontent-transfer-enc"
     "oding: base64\n\nTVo=\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"body\"\n-1\n-0\n! malformed: MIME "
     "header field in a preamble or epilogue\n"),
ROW("message/rfc822 nested",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nSubject:"
     " inner\nContent-Type: multipart/mixed; boundary=c\n\n--c\nContent-Type: text/plain\n\ninne"
     "r text\n--c\nContent-Type: application/zip; name=x.zip\nContent-Transfer-Encoding: base64"
     "\n\nUEsDBA==\n--c--\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 message/rfc822 f=message\n+2^1 multipart/mixed f=mu"
     "ltipart\n+3^2 text/plain\n=3 \"inner text\"\n-3\n+4^2 application/zip base64 n=\"x.zip\"\n"
     "=4 \"PK\\x03\\x04\"\n-4\n-2\n-1\n-0\n"),
ROW("message/rfc822 in base64",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\nContent-Tr"
     "ansfer-Encoding: base64\n\nU3ViamVjdDogeAoKaGk=\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 message/rfc822 base64 f=badcte\n=1 \"Subject: x\\n"
     "\\nhi\"\n-1\n-0\n! malformed: a transfer encoding on a multipart or message part\n"),
ROW("top-level message/rfc822",
    "Content-Type: message/rfc822\n\nFrom: a@b\n\ninner\n",
    "+0^0 message/rfc822 f=message\n+1^0 text/plain\n=1 \"inner\\n\"\n-1\n-0\n"),
ROW("uuencode in a message without MIME",
    "Subject: uu\n\ntext before\nbegin 644 a.txt\n#86)C\n`\nend\ntext after\n",
    "+0^0 text/plain\n=0 \"text before\\n\"\n+1^0 application/octet-stream uuencode attachment "
     "f=uu fn=\"a.txt\"\n=1 \"abc\"\n-1\n=0 \"text after\\n\"\n-0\n"),
ROW("uuencode in a text part, QP",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nContent-Transf"
     "er-Encoding: quoted-printable\n\nsee attached=\n file\nbegin 0644 x y.exe\n#86)C\nend\n--b"
     "--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain qp\n=1 \"see attached file\\n\"\n+2^1 ap"
     "plication/octet-stream uuencode attachment f=uu fn=\"x y.exe\"\n=2 \"abc\"\n-2\n-1\n-0\n"),
ROW("uuencode without end",
    "\nbegin 644 a.bin\n#86)C\nnot uu data here\n",
    "+0^0 text/plain\n+1^0 application/octet-stream uuencode attachment f=uu fn=\"a.bin\"\n=1 "
     "\"abc\"\n-1 f=unclosed\n=0 \"not uu data here\\n\"\n-0\n"),
ROW("uuencode in the preamble",
    "Content-Type: multipart/mixed; boundary=b\n\nbegin 644 pre.exe\n#86)C\nend\n--b\n\nbody\n-"
     "-b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 application/octet-stream uuencode attachment f=uu f"
     "n=\"pre.exe\"\n=1 \"abc\"\n-1\n+2^0 text/plain\n=2 \"body\"\n-2\n-0\n"),
ROW("x-uuencode part",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\n"
     "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 f.bin\n#86)C\nend\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 application/octet-stream uuencode\n+2^1 application"
     "/octet-stream uuencode attachment f=uu fn=\"f.bin\"\n=2 \"abc\"\n-2\n-1\n-0\n"),
ROW("not a begin line",
    "\nbegin 2 weeks ago\nbeginning\n",
    "+0^0 text/plain\n=0 \"begin 2 weeks ago\\nbeginning\\n\"\n-0\n"),
ROW("bare LF and CRLF mixed",
    "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\nContent-Type: text/plain\r\n\r\nline"
     "1\r\nline2\n--b\r\n\nx\r\n--b--",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"line1\\r\\nline2\"\n-1\n+2^0 text/"
     "plain\n=2 \"x\"\n-2\n-0\n"),
ROW("NUL bytes in content",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\na\000b\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"a\\x00b\"\n-1\n-0\n"),
ROW("NUL in a part header",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\000; name=x.exe"
     "\n\nx\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain f=badtype n=\"x.exe\"\n=1 \"x\"\n-1\n-0"
     "\n! malformed: NUL byte in a part header\n"),
ROW("NUL after a boundary",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b\000\nContent-Type: text/html\n"
     "\ny\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"x\\n--b\\x00\\nContent-Type: text/"
     "html\\n\\ny\"\n-1\n-0\n! malformed: a boundary line followed by NUL or a bare CR and text"
     "\n"),
ROW("bare CR after a boundary",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b\rContent-Type: text/html\n\ny\n"
     "--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"x\\n--b\\rContent-Type: text/html"
     "\\n\\ny\"\n-1\n-0\n! malformed: a boundary line followed by NUL or a bare CR and text\n"),
ROW("white space after boundaries",
    "Content-Type: multipart/mixed; boundary=b\n\n--b \t\r\n\nx\n--b-- \n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"x\"\n-1\n-0\n"),
ROW("lines that only look like boundaries",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx\n--b-x\n-- b\n---b\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"--bx\\n--b-x\\n-- b\\n---b\"\n-1\n"
     "-0\n"),
ROW("folded part headers",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream;"
     "\n\tname=\"long\n name.exe\"\nContent-Disposition:\n attachment;\n filename=\"f.exe\"\n\nx"
     "\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 application/octet-stream attachment fn=\"f.exe\" n="
     "\"long name.exe\"\n=1 \"x\"\n-1\n-0\n"),
ROW("odd case and spacing",
    "CONTENT-TYPE: Multipart/Mixed ;\tBoundary = \"b\" (c)\n\n--b\ncontent-type : Text / HTML ;"
     " CharSet = \"ISO-8859-1\"\nContent-transfer-encoding:  QUOTED-Printable (why)\n\nx=3Dy\n--"
     "b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/html cs=iso-8859-1 qp\n=1 \"x=y\"\n-1\n-0\n"),
ROW("base64 with odd case",
    "Content-Transfer-Encoding: Base64\n\naGVs\nbG8=\n",
    "+0^0 text/plain base64\n=0 \"hello\"\n-0\n"),
ROW("unknown transfer encoding",
    "Content-Transfer-Encoding: base-64\n\naGVsbG8=\n",
    "+0^0 text/plain unknown f=badcte\n=0 \"aGVsbG8=\\n\"\n-0\n! malformed: unknown Content-Tra"
     "nsfer-Encoding\n"),
ROW("transfer encoding on a multipart",
    "Content-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: base64\n\nLS1iCgpoaQ"
     "otLWItLQo=\n",
    "+0^0 multipart/mixed base64 f=badcte\n=0 \"--b\\n\\nhi\\n--b--\\n\"\n-0\n! malformed: a tr"
     "ansfer encoding on a multipart or message part\n"),
ROW("digest parts default to message/rfc822",
    "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: a\n\nbody a\n--d\nContent-Ty"
     "pe: text/plain\n\nplain\n--d--\n",
    "+0^0 multipart/digest f=multipart\n+1^0 message/rfc822 f=message\n+2^1 text/plain\n=2 \"bo"
     "dy a\"\n-2\n-1\n+3^0 text/plain\n=3 \"plain\"\n-3\n-0\n"),
ROW("header block ended by a non-header line",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nthis is body\n"
     "--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"this is body\"\n-1\n-0\n"),
ROW("header block cut by a boundary",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n--b\n\ntwo\n--b"
     "--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/html\n-1\n+2^0 text/plain\n=2 \"two\"\n-2\n-0"
     "\n"),
ROW("nested multipart reusing the boundary",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary="
     "b\n\n--b\n\nx\n--b--\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 multipart/mixed f=multipart\n+2^1 text/plain\n=2 \""
     "x\"\n-2\n-1\n-0\n! malformed: nested multipart boundaries that a line could match both of"
     "\n"),
ROW("nested boundary is the outer plus --",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary="
     "b--x\n\n--b--x\n\nx\n--b--x--\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 multipart/mixed f=multipart\n+2^1 text/plain\n=2 \""
     "x\"\n-2\n-1\n-0\n! malformed: nested multipart boundaries that a line could match both of"
     "\n"),
ROW("Content-Type repeated in a part",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nContent-Type: "
     "application/x-msdownload\n\nx\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"x\"\n-1\n-0\n! malformed: a Conten"
     "t- header field repeated with a different value\n"),
ROW("Content-Type repeated in the message",
    "Content-Type: text/plain\nContent-Type: text/html\n\nx\n",
    "+0^0 text/plain\n=0 \"x\\n\"\n-0\n! malformed: a Content- header field repeated with a dif"
     "ferent value\n"),
ROW("file names: RFC 2231, 2047, bidi",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf; name*0*=u"
     "tf-8''%E2%80%AEfdp; name*1=\".exe\"\nContent-Disposition: attachment; filename=\"=?utf-8?B"
     "?w6kuZXhl?=\"\n\nx\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 application/pdf attachment fn=\"\\xc3\\xa9.exe\" n="
     "\"\\xe2\\x80\\xaefdp.exe\"\n=1 \"x\"\n-1\n-0\n"),
ROW("file name in an unknown charset",
    "Content-Disposition: attachment; filename*=x-nonesuch''a%E9.exe\n\nx\n",
    "+0^0 text/plain attachment f=namebroken fn=\"a\\xef\\xbf\\xbd.exe\"\n=0 \"x\\n\"\n-0\n"),
ROW("file name given twice",
    "Content-Disposition: attachment; filename=a.pdf; filename=a.exe\n\nx\n",
    "+0^0 text/plain attachment f=nameambiguous fn=\"a.pdf\"\n=0 \"x\\n\"\n-0\n"),
ROW("file name plain and RFC 2231 disagree",
    "Content-Disposition: attachment; filename=a.pdf; filename*=utf-8''a.exe\n\nx\n",
    "+0^0 text/plain attachment f=nameambiguous fn=\"a.exe\"\n=0 \"x\\n\"\n-0\n"),
ROW("invalid media type",
    "Content-Type: foo\n\nx\n",
    "+0^0 text/plain f=badtype\n=0 \"x\\n\"\n-0\n"),
ROW("unknown disposition",
    "Content-Disposition: dangerous; filename=x.js\n\nx\n",
    "+0^0 text/plain attachment fn=\"x.js\"\n=0 \"x\\n\"\n-0\n"),
ROW("charset too long",
    "Content-Type: text/plain; charset=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxxx\n\nx\n",
    "+0^0 text/plain f=badcharset\n=0 \"x\\n\"\n-0\n"),
ROW("charset at its limit",
    "Content-Type: text/plain; charset=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
     "xxxxxxx\n\nx\n",
    "+0^0 text/plain cs=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n=0 \"x"
     "\\n\"\n-0\n"),
ROW("empty body",
    "Subject: x\n\n",
    "+0^0 text/plain\n-0\n"),
ROW("no body at all",
    "Subject: x\n",
    "+0^0 text/plain\n-0\n"),
ROW("last boundary without a line end",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"x\"\n-1\n-0\n"),
ROW("part with an empty body",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n-1\n-0\n"),
ROW("QP soft breaks and line ends",
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nh="
     "C3=A9llo =\nworld  \nend=\n",
    "+0^0 text/plain cs=utf-8 qp\n=0 \"h\\xc3\\xa9llo world\\nend\"\n-0\n"),
ROW("bare CR in a part header",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\rContent-Disposi"
     "tion: attachment; filename=x.exe\n\nx\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/html\n=1 \"x\"\n-1\n-0\n! malformed: bare CR i"
     "n a part header\n"),
ROW("multipart without boundary lines",
    "Content-Type: multipart/mixed; boundary=b\n\nOnly text a reader may show.\n",
    "+0^0 multipart/mixed f=multipart\n-0 f=unclosed\n! malformed: a multipart without any part"
     "\n"),
ROW("encoded file name with a NUL",
    "Content-Disposition: attachment; filename*=utf-8''a%00.exe\n\nx\n",
    "+0^0 text/plain attachment f=namebroken fn=\"a\\x00.exe\"\n=0 \"x\\n\"\n-0\n"),
ROW("ending in a candidate boundary line",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"x\"\n-1\n-0 f=unclosed\n"),
ROW("boundary-like line at the end",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--bb",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"x\\n--bb\"\n-1\n-0 f=unclosed\n"),
ROW("base64 data after the padding",
    "Content-Transfer-Encoding: base64\n\naGk=\naGlkZGVu\n",
    "+0^0 text/plain base64\n=0 \"hi\"\n-0 f=badencoding\n! malformed: base64 data after the pa"
     "dding\n"),
ROW("base64 with bytes outside the alphabet",
    "Content-Transfer-Encoding: base64\n\naG*k=\n",
    "+0^0 text/plain base64\n=0 \"hi\"\n-0 f=badencoding\n"),
ROW("quoted-printable bad escape",
    "Content-Transfer-Encoding: quoted-printable\n\na=ZZb\n",
    "+0^0 text/plain qp\n=0 \"a=ZZb\\n\"\n-0 f=badencoding\n"),
ROW("boundary after a bare CR",
    "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r--b\r\nContent-Type: text/h"
     "tml\r\n\r\ny\r\n--b--\r\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"x\\r--b\\r\\nContent-Type: text/ht"
     "ml\\r\\n\\r\\ny\"\n-1\n-0\n! malformed: a boundary line after a bare CR\n"),
ROW("text after a bare CR",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\r--bz\ry\r-\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"x\\r--bz\\ry\\r-\"\n-1\n-0\n"),
ROW("bare CR inside a dash line",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--x\r--b--\n--b--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"--x\\r--b--\"\n-1\n-0\n! malformed"
     ": a boundary line after a bare CR\n"),
ROW("boundary that looks like an encoded word",
    "Content-Type: multipart/mixed; boundary=\"=?utf-8?q?abc?=\"\n\n--abc\n\nno\n--=?utf-8?q?ab"
     "c?=\n\nyes\n--=?utf-8?q?abc?=--\n",
    "+0^0 multipart/mixed f=multipart\n+1^0 text/plain\n=1 \"yes\"\n-1\n-0\n"),
ROW("charset under its limit",
    "Content-Type: text/plain; charset=yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
     "yyyyyy\n\nx\n",
    "+0^0 text/plain cs=yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n=0 \"x"
     "\\n\"\n-0\n"),
ROW("invalid Content-Type naming a multipart",
    "Content-Type: multipart/mixed, text/plain; boundary=b\n\n--b\nContent-Type: application/x-"
     "msdownload\n\nMZ\n--b--\n",
    "+0^0 text/plain f=badtype\n=0 \"--b\\nContent-Type: application/x-msdownload\\n\\nMZ\\n--b"
     "--\\n\"\n-0\n! malformed: an invalid Content-Type naming a multipart or message type\n"),
ROW("invalid Content-Type without a subtype",
    "Content-Type: text\n\nx\n",
    "+0^0 text/plain f=badtype\n=0 \"x\\n\"\n-0\n"),
