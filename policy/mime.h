/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mime.h - the streaming MIME parser: fed a message's header fields and then its body in chunks
 * of any size, it calls back with the part tree (BEGIN / DATA / END) and the decoded content of
 * the leaf parts, holding no more than a bounded carry-over between chunks.
 *
 * Any split of the body gives the same events (DATA pieces may be cut differently; their
 * concatenation is the same) and the same status. Memory per message is bounded by the limits
 * below, never by the size of the message or of a part.
 *
 * What is read as readers read it (repaired, no status):
 *   - lines end at LF, with or without CR before it; a CR alone is an ordinary byte;
 *   - a boundary line is "--" boundary ["--"] followed only by SP, TAB or CR up to the line end
 *     (RFC 2046); the line end before it belongs to it. The innermost open multipart's
 *     boundary is tried first; a line that matches an outer one ends the inner parts (their
 *     closing lines are missing) as readers do. A missing closing boundary at the end of the
 *     message ends the open parts (MIME_PF_UNCLOSED on the multipart).
 *   - junk before the first and after the last boundary (preamble, epilogue) is not content,
 *     but is searched for uuencoded blocks like text is;
 *   - folded part header fields, comments, odd case and spacing in media types, parameters and
 *     Content-Transfer-Encoding ("Base64", " base64 (x)"); MIME-Version is not required;
 *   - a part header block that ends at a line that is not a header field (no blank line): that
 *     line starts the body; one cut short by a boundary line: an empty body; a line of only
 *     white space ends it as a blank line does;
 *   - defaults of RFC 2045/2046: text/plain, message/rfc822 inside multipart/digest, 7bit; an
 *     invalid media type counts as text/plain (MIME_PF_BAD_TYPE); an unknown disposition type
 *     as attachment (RFC 2183);
 *   - file names: see mimeparam.h; MIME_PF_NAME_BROKEN and MIME_PF_NAME_AMBIGUOUS say what was
 *     guessed; the boundary parameter may be RFC 2231-encoded, trailing white space in it is
 *     dropped (it cannot end in a space);
 *   - uuencoded blocks ("begin MODE NAME" ... "end") in text parts (after decoding their
 *     transfer encoding), in a message without MIME and in preambles and epilogues: each is a
 *     part of its own (MIME_PF_UUENCODED, child of the part it is in, its events between that
 *     part's BEGIN and END), its lines are not the text's DATA. A block that ends without "end"
 *     ends at the first line that is not uuencoded data (MIME_PF_UNCLOSED);
 *   - NUL bytes in content are content.
 * What is MIME_S_MALFORMED (something a reader may show that this parse does not, or a guess):
 *   - a multipart without a usable boundary (missing, empty, holding CR, LF or NUL): its body is
 *     read as one text/plain leaf part, so that its content is still seen;
 *   - the boundary parameter given twice with different values (the first is used); a nested
 *     multipart whose boundary equals an open one's or extends it by "--" (lines would be
 *     ambiguous); Content-Type, -Transfer-Encoding or -Disposition repeated with different values
 *     in one header block (the first is used);
 *   - an invalid Content-Type that names a multipart or message type ("multipart/mixed,
 *     text/plain"): read as text/plain, which a lenient reader may not do; other invalid types
 *     (broken mailers send "text") are only MIME_PF_BAD_TYPE;
 *   - a transfer encoding other than 7bit/8bit/binary on a multipart or message/rfc822 (some
 *     readers decode it and show parts this parse cannot see): read as a leaf, decoded;
 *   - an unknown Content-Transfer-Encoding (content passed raw, MIME_PF_BAD_CTE);
 *   - base64 data after the padding (ignored here; decoders that read on show more);
 *   - a NUL byte or a bare CR in a part header block, a NUL after a boundary; a boundary
 *     followed by a bare CR and more text, or one right after a bare CR (readers that break
 *     lines at CR see a boundary there);
 *   - a multipart without any part (no boundary line, or only the closing one): readers
 *     differ on showing its preamble;
 *   - MIME header fields (Content-Type:, Content-Transfer-Encoding:, Content-Disposition:) at
 *     the start of a line in a preamble or epilogue: parts a lenient reader may find.
 * Past a limit: MIME_S_LIMIT with why; the parser stops reading the body (no more BEGIN or
 * DATA), stays safe to feed, and ends the open parts at mime_end.
 */
#ifndef RW_MIME_H
#define RW_MIME_H

#include <stddef.h>

/* Longest part header line or boundary line (its bytes before LF): four times RFC 5322's 998,
 * for mailers that do not fold; nothing longer is a header a reader honours. */
#define MIME_LINE_MAX 4096
/* Largest part header block (the lines up to the blank line), and largest Content-* field of
 * the message's own header: 64 KiB, far above the few hundred bytes real part headers take and
 * the 998 x a few folds a long file name takes. */
#define MIME_HEADER_MAX 65536
/* Deepest nesting (the message is 0; each multipart, message/rfc822 or uuencoded block adds
 * one): real mail rarely passes 5; 32 leaves room for forwards of forwards. */
#define MIME_DEPTH_MAX 32
/* Most parts in one message (not counting the message itself): mailing-list digests reach
 * a few hundred; more is a resource attack. */
#define MIME_PARTS_MAX 1000
/* Longest boundary: RFC 2046 allows 70 characters; some mailers go past; 200 is generous. */
#define MIME_BOUNDARY_MAX 200
/* Most decoded bytes in all parts together: decoded content is never larger than the message
 * (message_size_limit is 10 MB by default in Postfix); 64 MiB bounds the work on any message. */
#define MIME_DECODED_MAX (64u * 1024 * 1024) /* "64 MiB" in the limit's message */
/* Sizes of the fixed fields of a part: a media type "type/subtype" and a charset name. */
#define MIME_TYPE_MAX 127
#define MIME_CHARSET_MAX 63

enum mime_cte {
    MIME_CTE_7BIT,
    MIME_CTE_8BIT,
    MIME_CTE_BINARY,
    MIME_CTE_BASE64,
    MIME_CTE_QP,
    MIME_CTE_UUENCODE, /* uuencode, x-uuencode, x-uue: the body holds begin/end blocks */
    MIME_CTE_UNKNOWN,  /* content passed as it came */
};
enum mime_disp { MIME_DISP_NONE, MIME_DISP_INLINE, MIME_DISP_ATTACHMENT };

#define MIME_PF_MULTIPART 0x001u      /* a multipart container: its children carry the data */
#define MIME_PF_MESSAGE 0x002u        /* message/rfc822 (or global): one child, the message */
#define MIME_PF_UUENCODED 0x004u      /* a uuencoded block found in the text it belongs to */
#define MIME_PF_NAME_BROKEN 0x008u    /* a file name could not be decoded cleanly (mimeparam.h) */
#define MIME_PF_NAME_AMBIGUOUS 0x010u /* a file name given twice, differently, in one field */
#define MIME_PF_BAD_TYPE 0x020u       /* Content-Type present but not a valid type/subtype */
#define MIME_PF_BAD_CTE 0x040u        /* Content-Transfer-Encoding unknown or not allowed here */
#define MIME_PF_BAD_CHARSET 0x080u    /* a charset parameter longer than MIME_CHARSET_MAX */
#define MIME_PF_UNCLOSED 0x100u       /* ended without its closing boundary or "end" line */
#define MIME_PF_BAD_BOUNDARY 0x200u   /* multipart without a usable boundary: read as text */
/* At END: the base64 or quoted-printable was not clean (bytes outside the alphabet skipped,
 * a quantum cut short, a bad escape passed through, data after the padding ignored). */
#define MIME_PF_BAD_ENCODING 0x400u

struct mime_part {
    unsigned index;  /* 0: the message itself; 1, 2, ...: in the order their header blocks end */
    unsigned parent; /* the index of the enclosing part (0 for the message itself) */
    unsigned depth;  /* 0 for the message */
    char type[MIME_TYPE_MAX + 1];       /* lower-cased "type/subtype", RFC 2045 defaults */
    char charset[MIME_CHARSET_MAX + 1]; /* lower-cased, "" when none */
    enum mime_cte cte;
    enum mime_disp disp;
    /* filename= / name=, decoded to UTF-8 (may hold NUL: MIME_PF_NAME_BROKEN); NULL when
     * absent. Owned by the parser, valid until this part's END event has returned. */
    const char *name_disp, *name_type;
    size_t name_disp_len, name_type_len;
    unsigned flags; /* MIME_PF_* */
};

enum mime_event { MIME_PART_BEGIN, MIME_PART_DATA, MIME_PART_END };

/*
 * The callback: BEGIN when a part's header block has ended, DATA with decoded content of leaf
 * parts in pieces of any size (containers carry none), END when the part is over (children
 * end before their parent). p and data are the parser's, valid during the call only (p's
 * name_* until the END of that part returns). Return 0 to go on, -1 to stop: the feeding
 * call and every later one return -1, and no more events come.
 */
typedef int (*mime_cb)(void *arg, enum mime_event ev, const struct mime_part *p,
                       const unsigned char *data, size_t len);

#define MIME_S_MALFORMED 0x1u /* broken past repair, or read by a guess a reader may not make */
#define MIME_S_LIMIT 0x2u     /* a named limit was exceeded: the rest of the body was not read */

struct mime;

/* mime_new - a parser for one message. NULL when out of memory. */
struct mime *mime_new(mime_cb cb, void *arg);
/*
 * mime_header - one of the message's own header fields, as libmilter gives it (value may hold
 * folds as "\r\n\t" or "\n "). Only the Content-* fields are looked at. Call before mime_body.
 * Returns 0, or -1 when the callback stopped the parse or memory ran out.
 */
int mime_header(struct mime *m, const char *name, const char *value);
/* mime_body - the next chunk of the body, of any size (0 is allowed). 0 or -1 as above. */
int mime_body(struct mime *m, const void *chunk, size_t len);
/* mime_end - the body is complete: open parts end (flushing their decoders). 0 or -1. */
int mime_end(struct mime *m);
/*
 * mime_status - MIME_S_* bits so far; *why (when why is not NULL) names the first limit passed,
 * else the first malformation, else "". A static string, valid for the parser's lifetime.
 */
unsigned mime_status(const struct mime *m, const char **why);
void mime_free(struct mime *m);

/* RW_STR - a numeric limit as text, for the messages that name it. */
#define RW_STR_(x) #x
#define RW_STR(x) RW_STR_(x)

#endif
