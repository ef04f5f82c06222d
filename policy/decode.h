/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode.h - the MIME transfer decodings: base64 (SIMD with runtime CPU dispatch, scalar fallback),
 * quoted-printable and uuencode lines. Streaming and chunk-independent: any split of the input
 * gives the same output and flags as one call. Nothing is allocated and nothing is kept: the caller
 * owns the states (plain structs, no cleanup; copy one to fork a stream) and every buffer, and
 * output is valid as long as the caller's dst. All of it is safe to use from several threads on
 * separate states.
 */
#ifndef RW_DECODE_H
#define RW_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* base64 (RFC 2045 6.8), streaming: any chunking gives the same output. CR, LF, space and tab
 * are skipped anywhere; any other byte outside the alphabet is skipped and flagged; '=' ends the
 * data: later non-space bytes are ignored and flagged. */
struct b64_state {
    uint32_t acc;   /* sextets of the quantum in progress, the latest in the low bits */
    unsigned n;     /* how many (0-3) */
    unsigned flags; /* B64_F_*, accumulated since b64_init */
    unsigned pad;   /* private: 0 = data; else 1 + the '=' still allowed as padding */
};
#define B64_F_BADCHAR 1u  /* a byte outside the alphabet was skipped */
#define B64_F_AFTERPAD 2u /* data after the padding was ignored */
#define B64_F_PARTIAL 4u  /* b64_finish: the input ended inside a quantum (bits dropped) */
#define B64_DECODED_MAX(n) ((n) / 4 * 3 + 3) /* room dst needs for n input bytes */
/*
 * The first '=' ends the data: a quantum in progress is written out at once (2 or 3 sextets give
 * 1 or 2 bytes; 1 sextet cannot make a byte and sets B64_F_PARTIAL). The '=' that complete the
 * quantum's padding are not flagged; anything else after it but white space is B64_F_AFTERPAD.
 * b64_finish writes a quantum left unpadded (1 or 2 bytes) and sets B64_F_PARTIAL when one was
 * in progress. The state needs no cleanup; b64_init starts a new stream.
 * b64_decode may write anywhere in dst[0, B64_DECODED_MAX(len)); it returns how many bytes of
 * output are at its start.
 */
void b64_init(struct b64_state *s);
size_t b64_decode(struct b64_state *s, const void *src, size_t len, unsigned char *dst);
size_t b64_finish(struct b64_state *s, unsigned char *dst); /* writes <= 2 bytes */
size_t b64_decode_scalar(struct b64_state *s, const void *src, size_t len, unsigned char *dst);
const char *b64_impl(void); /* "avx2", "ssse3" or "scalar": what b64_decode dispatches to */

/*
 * b64_impl_fn - the implementation called name ("avx2", "ssse3", "scalar"), for tests and the
 * benchmark that compare them; NULL when this build or this CPU does not have it. Every one
 * gives the same output and flags as b64_decode_scalar.
 */
typedef size_t (*b64_decode_fn)(struct b64_state *s, const void *src, size_t len,
                                unsigned char *dst);
b64_decode_fn b64_impl_fn(const char *name);

/* quoted-printable (RFC 2045 6.7), streaming. Soft line breaks "=\r\n" and "=\n" (also with
 * white space between '=' and the line end) vanish; hard line breaks are passed through as they
 * came; white space at the end of a line is dropped (transport padding); "=XY" with hex digits in
 * either case decodes; a bad escape is passed through literally and flagged. */
/*
 * A line end is LF or CR LF; a CR not followed by LF is an ordinary byte. White space waiting to
 * learn whether a line end follows is held back, at most QP_SPACE_MAX bytes of it: a longer run
 * (RFC 2045 lines are at most 76 bytes, so no conforming message has one) is passed through as it
 * comes, and QP_F_LONGSPACE says so when it ends a line (where it would have been dropped); a '='
 * before such a run is passed through too, as a bad escape. At the end of the input (qp_finish)
 * trailing white space is dropped, and a final "=" (with white space after it) is a soft line
 * break: a MIME part's last line ends where its boundary's CRLF begins. "=X" at the end is a bad
 * escape.
 */
#define QP_SPACE_MAX 128 /* twice the longest line RFC 2045 allows, a power of two */
#define QP_PENDING_MAX (QP_SPACE_MAX + 2) /* the held white space, its '=' and a CR */
struct qp_state {
    unsigned char pend[QP_SPACE_MAX]; /* held white space, or the first hex digit after '=' */
    unsigned plen;                    /* bytes in pend */
    unsigned char esc;                /* 1: pend follows a '=' */
    unsigned char cr;                 /* 1: a CR follows pend */
    unsigned char lng;                /* 1: in a white space run longer than QP_SPACE_MAX */
    unsigned flags;                   /* QP_F_*, accumulated since qp_init */
};
#define QP_F_BADESCAPE 1u
#define QP_F_LONGSPACE 2u /* white space longer than QP_SPACE_MAX ended a line and was kept */
#define QP_DECODED_MAX(n) ((n) + QP_PENDING_MAX)
void qp_init(struct qp_state *s);
size_t qp_decode(struct qp_state *s, const void *src, size_t len, unsigned char *dst);
size_t qp_finish(struct qp_state *s, unsigned char *dst); /* writes <= QP_PENDING_MAX bytes */

/* uuencode: one line of a "begin MODE NAME" ... "end" block, without its line end. Returns the
 * decoded length, or -1 when the line is not uuencoded data (so the caller can stop the block). */
/*
 * The first byte gives the decoded length (0-63; '`' and ' ' are 0: the last line); the data
 * characters (' ' to '`') must be enough for it. Encoders that strip trailing spaces drop the
 * characters that only pad the last group, so those may be missing; one character more than the
 * group needs (an old checksum) is allowed, anything longer is not a data line.
 */
#define UU_OUT_MAX 64 /* out's size: the length character tops out at 63 */
int uu_decode_line(const char *line, size_t len, unsigned char *out /* >= 64 bytes */);

#endif
