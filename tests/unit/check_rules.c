/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check_rules.c - the rules parser: files that load, and each mistake an admin can make with
 * the exact message and line relaywarden -n prints for it. "%F" in a wanted message stands for
 * the rules file's path.
 */
#include "eval.h"
#include "testutil.h"

#include <time.h>

static const char head[] = "listener l default\npolicy l {\n}\n";

static const struct {
    const char *name;
    const char *text;
    const char *want; /* "OK" or the whole error output */
} rows[] = {
    {"minimal", "listener l default\npolicy l {\n}\n", "OK"},
    {"sample sentence",
     "domains ours { example.com, *.example.net }\n"
     "listener inbound daemon \"inbound\"\n"
     "policy inbound {\n"
     "    rcpt reject to !<ours> \"550 5.7.1 relaying denied\"\n"
     "}\n",
     "OK"},
    {"negation before the condition", "listener l default\npolicy l {\n    mail reject !tls\n}\n",
     "OK"},
    {"inline list and comments",
     "# comment\nlistener l default # trailing\npolicy l {\n"
     "    rcpt reject to !{ a.example, b.example } \"5.7.1 no\"\n}\n",
     "OK"},
    {"list spanning lines", "domains d {\n  a.example,\n  b.example\n  c.example\n}\n",
     "%F:1: no listener: add 'listener NAME daemon \"DAEMON\"' or 'listener NAME default'\n"},
    {"log-only after the action",
     "listener l default\npolicy l {\n    rcpt reject log-only !auth\n}\n", "OK"},
    {"one-line policy", "listener l default\npolicy l { rcpt reject !auth }\n", "OK"},
    {"stamp named like a header mail needs",
     "listener l default stamp rdns-header \"from\"\npolicy l {\n}\n",
     "%F:1: listener \"l\": rdns-header \"from\" must be an X- name: every client header of "
     "that name is removed\n"},
    {"to after rcpt", "domains d { x.example }\nlistener l default\npolicy l {\n"
                      "    header reject !to <d>\n}\n",
     "%F:4: 'to' is known only at rcpt, one recipient at a time, not at header\n"},
    {"negated log-only", "listener l default\npolicy l {\n    rcpt reject !log-only\n}\n",
     "%F:3: '!' cannot negate log-only\n"},
    {"second on-error", "on-error tempfail\non-error accept\nlistener l default\npolicy l {\n}\n",
     "%F:2: on-error is already set at %F:1\n"},
    {"tag header that mail has", "listener l default\npolicy l {\n"
                                  "    mail tag header \"Subject: [SPAM]\"\n}\n",
     "%F:3: tag header \"Subject\": use an X- name (every client header of that name is "
     "removed; tag subject prefixes the Subject)\n"},
    {"rdns setting twice", "rdns timeout 5 timeout 6\nlistener l default\npolicy l {\n}\n",
     "%F:1: rdns: timeout is given twice\n"},
    {"rdns resolver port with a sign", "rdns resolver \"127.0.0.1:+53\"\nlistener l default\n"
                                         "policy l {\n}\n",
     "%F:1: rdns resolver needs a quoted \"IPv4[:port]\", \"IPv6\" or \"[IPv6]:port\" (port "
     "1-65535), got \"127.0.0.1:+53\"\n"},
    {"redirect without its address", "domains d { x.example }\nlistener l default\n"
                                      "policy l {\n    mail redirect from <d>\n}\n",
     "%F:4: redirect needs a quoted address (\"user@example.com\") right after it, got 'from'\n"},
    {"unknown keyword", "listener l default\nfrobnicate yes\npolicy l {\n}\n",
     "%F:2: unknown keyword 'frobnicate' (a statement starts with domains, networks, logins, "
     "senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"},
    {"unknown keyword as the first line: not a rules file, nothing quoted",
     "frobnicate yes\nlistener l default\npolicy l {\n}\n",
     "%F:1: not a rules file? its first line does not start with a statement; its errors are counted, none of its text is shown\n"},
    {"one-word lines (a password file): nothing quoted", "hunter2\nletmein\nhunter3\n",
     "%F:1: not a rules file? its first line does not start with a statement; its errors are counted, none of its text is shown\n"
     "%F:1: no listener: add 'listener NAME daemon \"DAEMON\"' or 'listener NAME default'\n"},
    {"first statement after comments and blank lines",
     "# secrets\n\nhunter2\nlistener l default\npolicy l {\n}\n", "%F:3: not a rules file? its first line does not start with a statement; its errors are counted, none of its text is shown\n"},
    {"a quoted first line: nothing quoted", "\"hunter2\"\nlistener l default\npolicy l {\n}\n",
     "%F:1: not a rules file? its first line does not start with a statement; its errors are counted, none of its text is shown\n"},
    {"junk lines: limit-1 (2) are typos, quoted",
     "listener l default\npolicy l {\n}\nhunter2\nletmein\n",
     "%F:4: unknown keyword 'hunter2' (a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"
     "%F:5: unknown keyword 'letmein' (a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"},
    {"junk lines: limit (3), the third is not quoted",
     "listener l default\npolicy l {\n}\nhunter2\nletmein\nsecret3\n",
     "%F:4: unknown keyword 'hunter2' (a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"
     "%F:5: unknown keyword 'letmein' (a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"
     "%F:6: not a rules file? 3 lines in a row do not start with a statement; its errors are "
     "counted, none of its text is shown\n"},
    {"junk lines: limit+1 (4), one line for the rest",
     "listener l default\npolicy l {\n}\nhunter2\nletmein\nsecret3\nsecret4\n",
     "%F:4: unknown keyword 'hunter2' (a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"
     "%F:5: unknown keyword 'letmein' (a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"
     "%F:6: not a rules file? 3 lines in a row do not start with a statement; its errors are "
     "counted, none of its text is shown\n"},
    {"a statement between typos restarts the count",
     "listener l default\nhunter2\nletmein\npolicy l {\n}\nsecret3\n",
     "%F:2: unknown keyword 'hunter2' (a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"
     "%F:3: unknown keyword 'letmein' (a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"
     "%F:6: unknown keyword 'secret3' (a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"},
    {"a token is quoted up to 64 bytes (limit-1)",
     "domains d { \"a123456789012345678901234567890123456789012345678901234567890..\" }\n"
     "listener l default\npolicy l {\n}\n",
     "%F:1: bad domain \"a123456789012345678901234567890123456789012345678901234567890..\"\n"},
    {"a token is quoted up to 64 bytes (limit)",
     "domains d { \"a1234567890123456789012345678901234567890123456789012345678901..\" }\n"
     "listener l default\npolicy l {\n}\n",
     "%F:1: bad domain \"a1234567890123456789012345678901234567890123456789012345678901..\"\n"},
    {"a token is quoted up to 64 bytes (limit+1: cut, marked)",
     "domains d { \"a12345678901234567890123456789012345678901234567890123456789012..\" }\n"
     "listener l default\npolicy l {\n}\n",
     "%F:1: bad domain \"a12345678901234567890123456789012345678901234567890123456789012....\"\n"},
    {"undefined list", "listener l default\npolicy l {\n    rcpt reject to <nope>\n}\n",
     "%F:3: list <nope> is not defined\n"},
    {"list of the wrong type",
     "networks n { 10.0.0.0/8 }\nlistener l default\npolicy l {\n    rcpt reject to <n>\n}\n",
     "%F:4: list <n> holds networks, 'to' needs domains\n"},
    {"duplicate list",
     "domains a { x.example }\ndomains a { y.example }\nlistener l default\n"
     "policy l {\n}\n",
     "%F:2: list <a> is already defined at %F:1\n"},
    {"duplicate policy", "listener l default\npolicy l {\n}\npolicy l {\n}\n",
     "%F:4: policy \"l\" is already defined at %F:2\n"},
    {"duplicate listener", "listener l default\nlistener l daemon \"x\"\npolicy l {\n}\n",
     "%F:2: listener \"l\" is already defined at %F:1\n"},
    {"two default listeners", "listener a default\nlistener b default policy a\npolicy a {\n}\n",
     "%F:2: listener \"b\": the default listener is already \"a\" (%F:1)\n"},
    {"same daemon twice",
     "listener a daemon \"x\"\nlistener b daemon \"x\" policy a\npolicy a {\n}\n",
     "%F:2: listener \"b\": daemon \"x\" is already \"a\"'s\n"},
    {"listener without daemon", "listener a\npolicy a {\n}\n",
     "%F:1: listener \"a\" needs daemon \"NAME\" or default\n"},
    {"undefined policy", "listener a daemon \"x\" policy b\n",
     "%F:1: listener \"a\" uses policy \"b\", which is not defined\n"},
    {"no listener", "policy a {\n}\n",
     "%F:1: no listener: add 'listener NAME daemon \"DAEMON\"' or 'listener NAME default'\n"},
    {"bad cidr prefix", "networks n { 10.0.0.0/33 }\n",
     "%F:1: bad network \"10.0.0.0/33\": prefix length must be 0-32\n"
     "%F:1: no listener: add 'listener NAME daemon \"DAEMON\"' or 'listener NAME default'\n"},
    {"cidr host bits",
     "networks n { 10.1.2.0/16 }\n"
     "listener l default\npolicy l {\n}\n",
     "%F:1: bad network \"10.1.2.0/16\": address has bits set past the /16 prefix\n"},
    {"bad ipv6 prefix", "networks n { 2001:db8::/129 }\nlistener l default\npolicy l {\n}\n",
     "%F:1: bad network \"2001:db8::/129\": prefix length must be 0-128\n"},
    /* IPv4-mapped: read as IPv4, so the prefix lengths 96-128 say which IPv4 network */
    {"ipv4-mapped /96: every IPv4 address",
     "networks n { ::ffff:0:0/96 }\nlistener l default\npolicy l {\n}\n",
     "%F:1: bad network \"::ffff:0:0/96\": an IPv4-mapped network is IPv4 (a mapped client is "
     "matched as one): write it as 0.0.0.0/0\n"},
    {"ipv4-mapped /104", "networks n { ::ffff:10.0.0.0/104 }\nlistener l default\npolicy l {\n}\n",
     "%F:1: bad network \"::ffff:10.0.0.0/104\": an IPv4-mapped network is IPv4 (a mapped client "
     "is matched as one): write it as 10.0.0.0/8\n"},
    {"ipv4-mapped /128", "networks n { ::ffff:10.0.0.1/128 }\nlistener l default\npolicy l {\n}\n",
     "%F:1: bad network \"::ffff:10.0.0.1/128\": an IPv4-mapped network is IPv4 (a mapped client "
     "is matched as one): write it as 10.0.0.1/32\n"},
    {"ipv4-mapped /95", "networks n { ::ffff:0:0/95 }\nlistener l default\npolicy l {\n}\n",
     "%F:1: bad network \"::ffff:0:0/95\": an IPv4-mapped network takes a prefix length of "
     "96-128, and is better written as IPv4\n"},
    {"ipv4-mapped /129", "networks n { ::ffff:0:0/129 }\nlistener l default\npolicy l {\n}\n",
     "%F:1: bad network \"::ffff:0:0/129\": an IPv4-mapped network takes a prefix length of "
     "96-128, and is better written as IPv4\n"},
    {"not an address", "networks n { example.com }\nlistener l default\npolicy l {\n}\n",
     "%F:1: bad network \"example.com\": not an IPv4 or IPv6 address\n"},
    {"bad domain",
     "domains d { exa..mple.com, -x.example, ok.example }\n"
     "listener l default\npolicy l {\n}\n",
     "%F:1: bad domain \"exa..mple.com\"\n%F:1: bad domain \"-x.example\"\n"},
    {"unterminated string", "listener l daemon \"inbound\n",
     "%F:1: unterminated string\n"
     "%F:1: listener \"l\": daemon needs a quoted {daemon_name}, got end of line\n"
     "%F:1: listener \"l\" uses policy \"l\", which is not defined\n"},
    {"unterminated list", "domains d { a.example,\n",
     "%F:2: missing '}' for the list opened at line 1\n"
     "%F:1: no listener: add 'listener NAME daemon \"DAEMON\"' or 'listener NAME default'\n"},
    {"unterminated policy", "listener l default\npolicy l {\n    rcpt reject !auth\n",
     "%F:4: missing '}' for policy \"l\" opened at line 2\n"},
    {"unknown stage", "listener l default\npolicy l {\n    data reject\n}\n",
     "%F:3: a rule starts with its stage (connect, helo, mail, rcpt, header, content), got "
     "'data'\n"},
    {"unknown action", "listener l default\npolicy l {\n    rcpt bounce\n}\n",
     "%F:3: expected an action (accept, reject, tempfail, discard, quarantine, redirect, copy, tag"
     ", fix" /* hygiene */
     "), got 'bounce'\n"},
    {"unknown condition", "listener l default\npolicy l {\n    rcpt reject sender x\n}\n",
     "%F:3: unknown condition 'sender' (to, from, from-claims, auth, login, tls, client, "
     "routed, sender-owned-by, from-owned-by, header-from, rdns, keyword, attachment name, "
     "attachment ext, attachment type, attachment truetype, attachment hash, attachment "
     "inner-name, attachment inner-ext, attachment encrypted, attachment double-ext, attachment "
     "bidi, mime malformed, mime limit, size, limit, country, asn, login-country, "
     "hygiene missing-date, hygiene missing-message-id, hygiene bad-from, hygiene bad-sender, hygiene 8bit-header, "
     "hygiene long-line, hygiene bare-cr-lf, hygiene duplicate-header, hygiene fixable, "
     "hygiene any, log-only)\n"},
    {"condition too early",
     "domains d { x.example }\nlistener l default\npolicy l {\n"
     "    mail reject to <d>\n    connect reject auth\n}\n",
     "%F:4: 'to' is not known yet at mail (it is known from rcpt on)\n"
     "%F:5: 'auth' is not known yet at connect (it is known from mail on)\n"},
    {"discard too early", "listener l default\npolicy l {\n    connect discard\n}\n",
     "%F:3: discard acts on a message: use it from the mail stage on, not at connect\n"},
    {"reply code class", "listener l default\npolicy l {\n    rcpt reject \"450 5.7.1 x\"\n}\n",
     "%F:3: reply code 450 does not fit reject (needs 5xx)\n"},
    {"enhanced code class",
     "listener l default\npolicy l {\n    rcpt tempfail \"451 5.7.1 x\"\n}\n",
     "%F:3: enhanced status code 5.7.1 does not fit tempfail (needs 4.x.x)\n"},
    {"not an smtp code", "listener l default\npolicy l {\n    rcpt reject \"599 x\"\n}\n",
     "%F:3: reply code 599 is not an SMTP code (x0z to x5z)\n"},
    {"reply on accept", "listener l default\npolicy l {\n    rcpt accept \"ok\"\n}\n",
     "%F:3: accept takes no text: a reply goes with reject or tempfail, a reason with "
     "discard, quarantine, redirect, copy or tag\n"},
    {"text after reply", "listener l default\npolicy l {\n    rcpt reject \"x\" auth\n}\n",
     "%F:3: the reply text ends the rule; unexpected 'auth' after it\n"},
    {"bad on-error", "on-error maybe\nlistener l default\npolicy l {\n}\n",
     "%F:1: on-error takes tempfail, accept or reject, got 'maybe'\n"},
    {"missing include", "include \"nope.rules\"\nlistener l default\npolicy l {\n}\n",
     "%F:1: include: cannot open \"DIR/nope.rules\": No such file or directory\n"},
    {"stray brace", "}\nlistener l default\npolicy l {\n}\n",
     "%F:1: unexpected '}' outside a block\n"},
    /* Issue 12: the errors a new admin met, each with its exact message and line. */
    {"two lexical errors in a row", "listener l default\npolicy l {\n}\n\x01\x02\n",
     "%F:4: unexpected character\n%F:4: unexpected character\n"},
    {"lexical errors in a row inside a statement", "listener l default \x01\x02\npolicy l {\n}\n",
     "%F:1: unexpected character\n%F:1: unexpected character\n"},
    {"byte order mark", "\xef\xbb\xbflistener l default\npolicy l {\n}\n",
     "%F:1: the file starts with a UTF-8 byte order mark: save it without one\n"},
    {"unquoted IDN", "domains d { b\xc3\xbc" "cher.example, ok.example }\nlistener l default\n"
                     "policy l {\n}\n",
     "%F:1: non-ASCII text outside quotes: write a domain in punycode (xn--...), quote other "
     "text\n"},
    {"unquoted word of non-ASCII only", "domains d { \xc3\xbc\xc3\xbc }\nlistener l default\n"
                                        "policy l {\n}\n",
     "%F:1: non-ASCII text outside quotes: write a domain in punycode (xn--...), quote other "
     "text\n"},
    {"quoted IDN", "domains d { \"b\xc3\xbc" "cher.example\" }\nlistener l default\n"
                   "policy l {\n}\n",
     "%F:1: bad domain \"b\\xc3\\xbc" "cher.example\": write an internationalized domain in "
     "punycode (xn--...)\n"},
    {"punycode IDN", "domains d { xn--bcher-kva.example }\nlistener l default\npolicy l {\n}\n",
     "OK"},
    {"list without its closing brace",
     "domains d { a.example,\n  b.example\nlogins y { bob }\nlistener l default\npolicy l {\n"
     "    rcpt reject login <y>\n}\n",
     "%F:3: missing '}' for the list opened at line 1\n"},
    {"senders without its closing brace",
     "senders s {\n  alice alice@example.com\npolicy l {\n}\nlistener l default\n",
     "%F:3: missing '}' for the list opened at line 1\n"},
    {"a keyword inside a line is an item", "domains d { a.example policy }\n"
                                           "listener l default\npolicy l {\n}\n",
     "OK"},
    {"senders option typo",
     "senders s nocase-locl allow-null {\n  alice alice@example.com\n  bob bob@\n}\n"
     "listener l default\npolicy l {\n}\n",
     "%F:1: senders <s>: unknown option 'nocase-locl' (allow-null, nocase-local or "
     "subaddress)\n%F:3: bad address \"bob@\": empty domain\n"},
    {"rdns resolver port 65534", "rdns resolver \"127.0.0.1:65534\"\nlistener l default\n"
                                 "policy l {\n}\n", "OK"},
    {"rdns resolver port 65535", "rdns resolver \"127.0.0.1:65535\"\nlistener l default\n"
                                 "policy l {\n}\n", "OK"},
    {"rdns resolver port 65536", "rdns resolver \"127.0.0.1:65536\"\nlistener l default\n"
                                 "policy l {\n}\n",
     "%F:1: rdns resolver needs a quoted \"IPv4[:port]\", \"IPv6\" or \"[IPv6]:port\" (port "
     "1-65535), got \"127.0.0.1:65536\"\n"},
    {"rdns resolver port 99999", "rdns resolver \"127.0.0.1:99999\"\nlistener l default\n"
                                 "policy l {\n}\n",
     "%F:1: rdns resolver needs a quoted \"IPv4[:port]\", \"IPv6\" or \"[IPv6]:port\" (port "
     "1-65535), got \"127.0.0.1:99999\"\n"},
    {"rdns resolver IPv6 with a port", "rdns resolver \"[::1]:5353\"\nlistener l default\n"
                                       "policy l {\n}\n", "OK"},
    {"rdns resolver IPv6 port 65536", "rdns resolver \"[::1]:65536\"\nlistener l default\n"
                                      "policy l {\n}\n",
     "%F:1: rdns resolver needs a quoted \"IPv4[:port]\", \"IPv6\" or \"[IPv6]:port\" (port "
     "1-65535), got \"[::1]:65536\"\n"},
    {"not a rules file: the line is not echoed",
     "root:$6$salt$hash:19000:0:99999:7:::\nlistener l default\npolicy l {\n}\n",
     "%F:1: not a rules file? its first line does not start with a statement; its errors are "
     "counted, none of its text is shown\n"},
    {"a long first word after a statement is not echoed either",
     "listener l default\nroot:$6$salt$hash:19000:0:99999:7:::\npolicy l {\n}\n",
     "%F:2: a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, "
     "on-error, include, limit, limits, geoip, countries, asns or logins-from; this line does not (its 36-byte first word is not shown: not a "
     "rules file?)\n"},
    {"unknown keyword of 19 letters", "listener l default\nabcdefghijklmnopqrs\npolicy l {\n}\n",
     "%F:2: unknown keyword 'abcdefghijklmnopqrs' (a statement starts with domains, networks, "
     "logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"},
    {"unknown keyword of 20 letters", "listener l default\nabcdefghijklmnopqrst\npolicy l {\n}\n",
     "%F:2: unknown keyword 'abcdefghijklmnopqrst' (a statement starts with domains, networks, "
     "logins, senders, keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"},
    {"unknown word of 21 letters", "listener l default\nabcdefghijklmnopqrstu\npolicy l {\n}\n",
     "%F:2: a statement starts with domains, networks, logins, senders, keywords, names, hashes, listener, policy, rdns, "
     "on-error, include, limit, limits, geoip, countries, asns or logins-from; this line does not (its 21-byte first word is not shown: not a "
     "rules file?)\n"},
    {"named rule", "listener l default\npolicy l {\n    rule no-relay: rcpt reject !auth\n}\n",
     "OK"},
    {"rule name without its colon",
     "listener l default\npolicy l {\n    rule no-relay rcpt reject !auth\n}\n",
     "%F:3: rule needs a name and a colon before the stage (rule NAME: STAGE ACTION ...), got "
     "'no-relay'\n"},
    {"rule name that is only a colon", "listener l default\npolicy l {\n    rule : rcpt reject\n}\n",
     "%F:3: rule needs a name and a colon before the stage (rule NAME: STAGE ACTION ...), got "
     "':'\n"},
    {"rule name with a dot", "listener l default\npolicy l {\n    rule a.b: rcpt reject\n}\n",
     "%F:3: bad rule name \"a.b\" (letters, digits, '-' and '_', at most 64)\n"},
    {"rule name and no rule", "listener l default\npolicy l {\n    rule x:\n}\n",
     "%F:3: a rule starts with its stage (connect, helo, mail, rcpt, header, content), got end "
     "of line\n"},
    {"errors keep coming", "listener l default\nbad1\nbad2\npolicy l {\n    rcpt x\n}\nbad3\n",
     "%F:2: unknown keyword 'bad1' (a statement starts with domains, networks, logins, senders, "
     "keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"
     "%F:3: unknown keyword 'bad2' (a statement starts with domains, networks, logins, senders, "
     "keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"
     "%F:5: expected an action (accept, reject, tempfail, discard, quarantine, redirect, copy, "
     "tag"
     ", fix" /* hygiene */
     "), got 'x'\n"
     "%F:7: unknown keyword 'bad3' (a statement starts with domains, networks, logins, senders, "
     "keywords, names, hashes, listener, policy, rdns, on-error, include, limit, limits, geoip, countries, asns or logins-from)\n"},
    /* content screening */
    {"content sentences",
     "keywords secret { \"project falcon\", confidential }\n"
     "keywords spam word {\n  \"casino  bonus\"\n  viagra\n}\n"
     "names exe { exe, scr, \"j?\" }\n"
     "hashes bad { E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 }\n"
     "listener l default\npolicy l {\n"
     "    content reject keyword <secret> \"550 5.7.1 no\"\n"
     "    content quarantine attachment ext <exe> !attachment name { \"ok.exe\" } \"held\"\n"
     "    content discard attachment hash <bad>\n"
     "    content tag subject \"[BIG]\" size over 10M\n"
     "    content reject mime malformed\n    content reject mime limit\n"
     "    content reject attachment encrypted\n    content reject attachment double-ext\n"
     "    content reject attachment bidi\n    content reject size under 1k\n"
     "    content reject attachment truetype { exe, ooxml-macro }\n"
     "    content reject attachment inner-name { \"*.exe\" } attachment inner-ext { js }\n"
     "    content redirect \"c@example.com\" attachment type { \"text/html\" } keyword <spam>\n"
     "}\n",
     "OK"},
    {"keyword before content", "keywords k { x }\nlistener l default\npolicy l {\n"
                               "    header reject keyword <k>\n}\n",
     "%F:4: 'keyword' is not known yet at header (it is known from content on)\n"},
    {"attachment at rcpt", "listener l default\npolicy l {\n"
                           "    rcpt reject attachment ext { exe }\n}\n",
     "%F:3: 'attachment ext' is not known yet at rcpt (it is known from content on)\n"},
    {"unknown attachment fact", "listener l default\npolicy l {\n"
                                "    content reject attachment colour { red }\n}\n",
     "%F:3: unknown condition 'attachment colour' (to, from, from-claims, auth, login, tls, "
     "client, routed, sender-owned-by, from-owned-by, header-from, rdns, keyword, attachment "
     "name, attachment ext, attachment type, attachment truetype, attachment hash, attachment "
     "inner-name, attachment inner-ext, attachment encrypted, attachment double-ext, "
     "attachment bidi, mime malformed, mime limit, size, limit, country, asn, login-country, "
     "hygiene missing-date, hygiene missing-message-id, hygiene bad-from, hygiene bad-sender, hygiene 8bit-header, "
     "hygiene long-line, hygiene bare-cr-lf, hygiene duplicate-header, hygiene fixable, "
     "hygiene any, log-only)\n"},
    {"keywords list where names are wanted", "keywords k { x }\nlistener l default\npolicy l {\n"
                                              "    content reject attachment ext <k>\n}\n",
     "%F:4: list <k> holds keywords, 'attachment ext' needs names\n"},
    {"bad hash", "hashes h { abc }\nlistener l default\npolicy l {\n}\n",
     "%F:1: bad hash \"abc\": a SHA-256 is 64 hex digits\n"},
    {"hash one digit long",
     "hashes h { e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855a }\n"
     "listener l default\npolicy l {\n}\n",
     "%F:1: bad hash \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855...\": a "
     "SHA-256 is 64 hex digits\n"},
    {"blank keyword", "keywords k { \"   \" }\nlistener l default\npolicy l {\n}\n",
     "%F:1: bad keyword \"   \": only white space\n"},
    {"size without a bound", "listener l default\npolicy l {\n    content reject size 10M\n}\n",
     "%F:3: size needs over or under and a size in bytes, k, M or G (size over 10M), got '10M'\n"},
    {"size too big", "listener l default\npolicy l {\n"
                     "    content reject size over 99999999999999999999\n}\n",
     "%F:3: size needs over or under and a size in bytes, k, M or G (size over 10M), got "
     "'99999999999999999999'\n"},
    {"size unit unknown", "listener l default\npolicy l {\n    content reject size over 5T\n}\n",
     "%F:3: size needs over or under and a size in bytes, k, M or G (size over 10M), got '5T'\n"},
    {"extension written with its dot", "listener l default\npolicy l {\n"
                                        "    content reject attachment ext { .exe }\n}\n",
     "%F:3: 'attachment ext': \".exe\" is not an extension (write exe, not .exe or *.exe; one "
     "per item)\n"},
    {"extension as a glob", "listener l default\npolicy l {\n"
                            "    content reject attachment inner-ext { exe, \"*.scr\" }\n}\n",
     "%F:3: 'attachment inner-ext': \"*.scr\" is not an extension (write exe, not .exe or "
     "*.exe; one per item)\n"},
    {"two extensions in one quoted item", "listener l default\npolicy l {\n"
                                           "    content reject attachment ext { \"exe, scr\" }\n}\n",
     "%F:3: 'attachment ext': \"exe, scr\" is not an extension (write exe, not .exe or *.exe; "
     "one per item)\n"},
    {"unknown true type", "listener l default\npolicy l {\n"
                          "    content reject attachment truetype { pe }\n"
                          "    content reject attachment truetype { \"ooxml*\" }\n}\n",
     "%F:3: 'attachment truetype': no true type \"pe\" (empty, exe, elf, macho, java, script, "
     "ole, ole-macro, ooxml, ooxml-macro, zip, rar, 7z, gzip, bzip2, xz, cab, tar, pdf, iso, vhd, "
     "vhdx, onenote, chm, rtf, lnk, html, unknown)\n"},
    {"keyword option typo", "keywords k wrod { x }\nlistener l default\npolicy l {\n}\n",
     "%F:1: keywords <k> needs '{ item, ... }' or 'file \"path\"', got 'wrod'\n"},
    /* limits (rate limits); every limit statement error is in check_limit.c */
    {"limit sentence", "limit hacked recipients 200 per 10m by login\nlistener l default\n"
                       "policy l {\n    rcpt tempfail limit <hacked>\n}\n",
     "OK"},
    {"limit not defined", "listener l default\npolicy l {\n    rcpt tempfail limit <nope>\n}\n",
     "%F:3: limit <nope> is not defined (limit nope recipients 200 per 10m by login, before the "
     "policy)\n"},
    {"limit without its window", "limit x messages 5 by login\nlistener l default\npolicy l {\n}\n",
     "%F:1: limit x: expected per and a window (per 10m), got 'by'\n"},
};

/* Expands %F to path and DIR to its directory. */
static void
expand(char *out, size_t outlen, const char *want, const char *path)
{
    size_t o = 0, dl = strrchr(path, '/') - path;

    for (; *want && o + 1 < outlen; want++) {
        if (want[0] == '%' && want[1] == 'F') {
            o += (size_t)snprintf(out + o, outlen - o, "%s", path);
            want++;
        } else if (strncmp(want, "DIR", 3) == 0) {
            o += (size_t)snprintf(out + o, outlen - o, "%.*s", (int)dl, path);
            want += 2;
        } else {
            out[o++] = *want;
        }
    }
    out[o] = '\0';
}

START_TEST(test_rules_table)
{
    static char err[65536], want[8192];
    const char *path = testutil_write("t.rules", rows[_i].text);
    struct ruleset *rs = rules_load(path, err, sizeof(err));

    if (strcmp(rows[_i].want, "OK") == 0) {
        ck_assert_msg(rs != NULL, "%s: want OK, got:\n%s", rows[_i].name, err);
        rules_unref(rs);
        return;
    }
    ck_assert_msg(rs == NULL, "%s: loaded, want errors", rows[_i].name);
    expand(want, sizeof(want), rows[_i].want, path);
    ck_assert_msg(strcmp(err, want) == 0, "%s:\n--- got\n%s--- want\n%s", rows[_i].name, err, want);
}
END_TEST

/* A binary file (a NUL byte: no text file has one) quotes nothing of itself, not even a word
 * that would be quoted from a text file; the same as an include. */
START_TEST(test_binary_file_not_quoted)
{
    static const char text[] = "listener l default\npolicy l {\n}\nhunter2\0\n";
    static char err[4096], want[1024];
    const char *path = testutil_write("bin.rules", "");
    FILE *f = fopen(path, "w");
    struct ruleset *rs;

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
    fclose(f);
    rs = rules_load(path, err, sizeof(err));
    ck_assert_msg(rs == NULL, "binary file: loaded, want errors");
    expand(want, sizeof(want),
           "%F:4: not a rules file? it holds NUL bytes: a binary file; its errors are counted, "
           "none of its text is shown\n",
           path);
    ck_assert_msg(strcmp(err, want) == 0, "binary file:\n--- got\n%s--- want\n%s", err, want);
}
END_TEST

/* include "/etc/shadow"-style: the included file's one-word lines are not echoed. */
START_TEST(test_include_not_rules_not_quoted)
{
    static char err[4096], want[2048], text[1024], inc[512];
    const char *path;

    snprintf(inc, sizeof(inc), "%s", testutil_write("secrets", "hunter2\nletmein\n"));
    snprintf(text, sizeof(text), "include \"%s\"\nlistener l default\npolicy l {\n}\n", inc);
    path = testutil_write("inc.rules", text);
    ck_assert_msg(rules_load(path, err, sizeof(err)) == NULL, "include of secrets: loaded");
    snprintf(want, sizeof(want),
             "%s:1: not a rules file? its first line does not start with a statement; its errors "
             "are counted, none of its text is shown\n",
             inc);
    ck_assert_msg(strcmp(err, want) == 0, "include of secrets:\n--- got\n%s--- want\n%s", err,
                  want);
    ck_assert_msg(strstr(err, "hunter2") == NULL && strstr(err, "letmein") == NULL,
                  "a secret is echoed: %s", err);
}
END_TEST

/* The rule name: 63 and 64 characters are kept, 65 refused (parse_valid_name's limit). */
START_TEST(test_rule_name_limit)
{
    static char text[512], err[4096];
    char name[80];
    size_t n = 63 + (size_t)_i;
    struct ruleset *rs;
    const struct listener *l;

    memset(name, 'n', n);
    name[n] = '\0';
    snprintf(text, sizeof(text), "listener l default\npolicy l {\n    rule %s: rcpt reject\n}\n",
             name);
    rs = rules_load(testutil_write("t.rules", text), err, sizeof(err));
    if (n <= 64) {
        ck_assert_msg(rs != NULL, "name of %zu: %s", n, err);
        l = rules_listener(rs, NULL);
        ck_assert_str_eq(l->policy->rules[0]->name, name);
        rules_unref(rs);
    } else {
        ck_assert_msg(rs == NULL && strstr(err, "bad rule name") != NULL, "name of %zu: %s", n,
                      rs ? "loaded" : err);
    }
}
END_TEST

START_TEST(test_include_and_list_file)
{
    char main_rules[512], err[4096];
    struct ruleset *rs;
    struct addr a;
    char aerr[64];
    const struct listener *l;
    const struct rule *r;
    struct facts s = {0};
    const char *why = NULL;
    size_t pos = 0;

    testutil_write("ours.txt", "# our domains\nexample.com\n\n  example.org  # second\n");
    testutil_write("policy.inc", "policy in {\n    rcpt reject to !<ours>\n}\n");
    snprintf(main_rules, sizeof(main_rules),
             "domains ours file \"ours.txt\"\ninclude \"policy.inc\"\n"
             "listener in daemon \"inbound\"\n");
    rs = rules_load(testutil_write("main.rules", main_rules), err, sizeof(err));
    ck_assert_msg(rs != NULL, "%s", err);
    l = rules_listener(rs, "inbound");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(addr_parse("<x@example.org>", ADDR_RCPT, &a, aerr, sizeof(aerr)), 0);
    s.rcpt = &a;
    ck_assert_int_eq(eval_next(l->policy, STAGE_RCPT, &s, &pos, &r, &why), 0);
    ck_assert_int_eq(addr_parse("<x@example.net>", ADDR_RCPT, &a, aerr, sizeof(aerr)), 0);
    pos = 0;
    ck_assert_int_eq(eval_next(l->policy, STAGE_RCPT, &s, &pos, &r, &why), 1);
    ck_assert(strstr(r->file, "policy.inc") != NULL && r->line == 2);
    rules_unref(rs);
}
END_TEST

/* A file named as a list by mistake: one error, its lines never echoed; a list file whose
 * first entry is good still reports each bad one. */
START_TEST(test_list_file_not_a_list)
{
    static const struct {
        const char *name, *file, *want;
    } cases[] = {
        {"shadow as domains", "root:$6$salt$hash:19000:0:99999:7:::\nbin:*:19000::\n",
         "%F:1: not a list of domains: the first entry is not one (not shown); nothing more is "
         "read from this file\n"},
        {"comment then shadow", "# x\n\nroot:$6$salt$hash:19000::\n",
         "%F:3: not a list of domains: the first entry is not one (not shown); nothing more is "
         "read from this file\n"},
        {"good first entry, bad second", "ok.example\nbad..example\nalso..bad\n",
         "%F:2: bad domain \"bad..example\"\n%F:3: bad domain \"also..bad\"\n"},
    };
    char err[4096], want[2048], lpath[256];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(lpath, sizeof(lpath), "%s", testutil_write("list.txt", cases[i].file));
        expand(want, sizeof(want), cases[i].want, lpath);
        ck_assert_ptr_null(rules_load(testutil_write("m.rules", "domains d file \"list.txt\"\n"
                                                                "listener l default\npolicy l {\n}\n"),
                                      err, sizeof(err)));
        ck_assert_msg(strcmp(err, want) == 0, "%s:\n--- got\n%s--- want\n%s", cases[i].name, err,
                      want);
    }
}
END_TEST

START_TEST(test_list_file_errors_name_the_list_file)
{
    char err[4096], want[1024];
    const char *list = testutil_write("bad.txt", "ok.example\nbad..example\n");
    char lpath[256];

    snprintf(lpath, sizeof(lpath), "%s", list);
    testutil_write("m.rules", "domains d file \"bad.txt\"\nlistener l default\npolicy l {\n}\n");
    snprintf(want, sizeof(want), "%s:2: bad domain \"bad..example\"\n", lpath);
    ck_assert_ptr_null(rules_load(testutil_write("m.rules", "domains d file \"bad.txt\"\n"
                                                            "listener l default\npolicy l {\n}\n"),
                                  err, sizeof(err)));
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_include_loop)
{
    char err[65536];

    ck_assert_ptr_null(
        rules_load(testutil_write("loop.rules", "include \"loop.rules\"\n"), err, sizeof(err)));
    {
        char want[2048], a[256], b[256], c[256], self[256];

        /* testutil_write returns one static buffer: keep copies of the paths */
        snprintf(a, sizeof(a), "%s", testutil_write("a.rules", "include \"b.rules\"\n"));
        snprintf(b, sizeof(b), "%s", testutil_write("b.rules", "include \"c.rules\"\n"));
        snprintf(c, sizeof(c), "%s",
                 testutil_write("c.rules", "listener l default\ninclude \"a.rules\"\n"));
        snprintf(self, sizeof(self), "%s",
                 testutil_write("loop.rules", "include \"loop.rules\"\n"));
        /* one line naming the chain, not one self-reference per level */
        snprintf(want, sizeof(want), "%s:1: include loop: %s -> %s\n", self, self, self);
        ck_assert_ptr_null(rules_load(self, err, sizeof(err)));
        ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got %s want %s", err, want);
        snprintf(want, sizeof(want), "%s:2: include loop: %s -> %s -> %s -> %s\n", c, a, b, c, a);
        ck_assert_ptr_null(rules_load(a, err, sizeof(err)));
        ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got %s want %s", err, want);
    }
    /* a file that includes itself ten times is read once, not 10^8 times */
    ck_assert_ptr_null(rules_load(
        testutil_write("fan.rules", "include \"fan.rules\"\ninclude \"fan.rules\"\n"
                                    "include \"fan.rules\"\ninclude \"fan.rules\"\n"
                                    "include \"fan.rules\"\ninclude \"fan.rules\"\n"
                                    "include \"fan.rules\"\ninclude \"fan.rules\"\n"
                                    "include \"fan.rules\"\ninclude \"fan.rules\"\n"),
        err, sizeof(err)));
}
END_TEST

/* PARSE_MAX_INCLUDE_DEPTH (8) distinct files deep, and PARSE_MAX_FILES (256) files in all:
 * at the limit - 1, the limit and the limit + 1. */
START_TEST(test_include_limits)
{
    static char err[65536];
    char name[64], text[128];
    struct ruleset *rs;
    int k, i;

    for (k = -1; k <= 1; k++) {
        int depth = 8 + k; /* files in the chain: d_0 includes d_1 ... includes d_(depth-1) */
        for (i = depth - 1; i >= 0; i--) {
            snprintf(name, sizeof(name), "d%d_%d.rules", k + 1, i);
            if (i == depth - 1)
                snprintf(text, sizeof(text), "listener l default\npolicy l {\n}\n");
            else
                snprintf(text, sizeof(text), "include \"d%d_%d.rules\"\n", k + 1, i + 1);
            testutil_write(name, text);
        }
        snprintf(name, sizeof(name), "d%d_0.rules", k + 1);
        snprintf(text, sizeof(text), "include \"d%d_1.rules\"\n", k + 1);
        rs = rules_load(testutil_write(name, text), err, sizeof(err));
        ck_assert_msg((rs == NULL) == (k > 0), "%d files deep: %s", depth, err);
        if (k > 0)
            ck_assert(strstr(err, "includes nested more than 8 deep") != NULL);
        rules_unref(rs);
    }
    for (k = -1; k <= 1; k++) {
        int nfiles = 256 + k; /* the main file and nfiles - 1 included ones */
        char *main_text = malloc((size_t)nfiles * 40 + 64);
        ck_assert_ptr_nonnull(main_text);
        main_text[0] = '\0';
        for (i = 1; i < nfiles; i++) {
            snprintf(name, sizeof(name), "f%d_%d.rules", k + 1, i);
            testutil_write(name, "# empty\n");
            sprintf(main_text + strlen(main_text), "include \"%s\"\n", name);
        }
        strcat(main_text, "listener l default\npolicy l {\n}\n");
        snprintf(name, sizeof(name), "f%d_0.rules", k + 1);
        rs = rules_load(testutil_write(name, main_text), err, sizeof(err));
        ck_assert_msg((rs == NULL) == (k > 0), "%d files: %s", nfiles, err);
        if (k > 0)
            ck_assert(strstr(err, "more than 256 rules and list files read") != NULL);
        rules_unref(rs);
        free(main_text);
    }
}
END_TEST

/* 100,000 domains and networks load and are found; the timing lives in tests/bench. */
START_TEST(test_large_lists)
{
    size_t cap = 100000 * 40, o = 0, i;
    char *text = malloc(cap), err[4096];
    struct ruleset *rs;
    const struct list *d, *n;
    struct netaddr a;

    ck_assert_ptr_nonnull(text);
    o += (size_t)snprintf(text + o, cap - o, "domains big {\n");
    for (i = 0; i < 100000; i++)
        o += (size_t)snprintf(text + o, cap - o, "d%zu.example.com,\n", i);
    o += (size_t)snprintf(text + o, cap - o, "}\nnetworks nets {\n");
    for (i = 0; i < 100000; i++)
        o += (size_t)snprintf(text + o, cap - o, "10.%zu.%zu.%zu/32\n", i >> 16, (i >> 8) & 255,
                              i & 255);
    snprintf(text + o, cap - o, "}\n%s", head);
    rs = rules_load(testutil_write("big.rules", text), err, sizeof(err));
    ck_assert_msg(rs != NULL, "%.500s", err);
    d = strset_get(&rs->lists, "big")->value;
    n = strset_get(&rs->lists, "nets")->value;
    ck_assert_uint_eq(d->count, 100000);
    ck_assert_uint_eq(n->count, 100000);
    ck_assert(list_match_domain(d, "d99999.example.com"));
    ck_assert(!list_match_domain(d, "d100000.example.com"));
    ck_assert_int_eq(netaddr_parse("10.1.134.159", &a), 0); /* 99999 */
    ck_assert(list_match_net(n, &a));
    ck_assert_int_eq(netaddr_parse("10.1.134.160", &a), 0);
    ck_assert(!list_match_net(n, &a));
    rules_unref(rs);
    free(text);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("parse");

    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_rules_table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
    tcase_add_test(tc, test_include_and_list_file);
    tcase_add_test(tc, test_binary_file_not_quoted);
    tcase_add_test(tc, test_include_not_rules_not_quoted);
    tcase_add_loop_test(tc, test_rule_name_limit, 0, 3);
    tcase_add_test(tc, test_list_file_errors_name_the_list_file);
    tcase_add_test(tc, test_list_file_not_a_list);
    tcase_add_test(tc, test_include_loop);
    tcase_add_test(tc, test_include_limits);
    tcase_add_test(tc, test_large_lists);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}
