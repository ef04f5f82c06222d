/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mime_int.h - the MIME parser's state, shared by mime.c (the body stream, boundaries and the
 * part stack), mime_part.c (part header blocks to parts) and mime_uu.c (uuencoded blocks).
 */
#ifndef RW_MIME_INT_H
#define RW_MIME_INT_H

#include "buf.h"
#include "decode.h"
#include "mime.h"

/* Raw bytes handed to a decoder at once: big enough that the per-call cost vanishes, small
 * enough that the output buffer (below) stays in L1 cache. */
#define MIME_DECODE_STEP 16384
#define MIME_OUT_SIZE                                                                              \
    (QP_DECODED_MAX(MIME_DECODE_STEP) > B64_DECODED_MAX(MIME_DECODE_STEP)                          \
         ? QP_DECODED_MAX(MIME_DECODE_STEP)                                                        \
         : B64_DECODED_MAX(MIME_DECODE_STEP))

enum mime_mp { MIME_MP_NONE, MIME_MP_PREAMBLE, MIME_MP_PARTS, MIME_MP_EPILOGUE };

struct mime_frame {
    struct mime_part part;
    struct buf name_disp, name_type; /* what part.name_* point into */
    char boundary[MIME_BOUNDARY_MAX + 1];
    size_t blen;     /* > 0 for a multipart with a usable boundary */
    enum mime_mp mp; /* where a multipart is: before, among or after its parts */
    int leaf, text;  /* carries DATA; searched for uuencoded blocks */
};

enum mime_st { MIME_ST_START, MIME_ST_HDR, MIME_ST_BODY, MIME_ST_STOPPED, MIME_ST_DONE };

struct mime_uu {
    struct mime_frame f; /* the open block's part */
    int open;            /* a block is open */
    int junk;            /* the stream is a preamble or epilogue: no text DATA */
    int bol;             /* the next byte starts a line */
    int gather;          /* the current line is being gathered in line */
    struct buf line;     /* at most MIME_LINE_MAX + 1 bytes */
    unsigned char out[UU_OUT_MAX];
};

struct mime {
    mime_cb cb;
    void *arg;
    enum mime_st st;
    int failed; /* the callback said stop, or memory ran out */
    unsigned status;
    const char *why_limit, *why_bad;
    struct mime_frame stack[MIME_DEPTH_MAX + 1];
    int top;         /* index of the innermost open frame, -1 before part 0 */
    unsigned nparts; /* parts announced, not counting the message */
    unsigned long long decoded;
    struct buf hv[3]; /* the message's Content-Type, -Transfer-Encoding, -Disposition */
    int hvset[3];
    struct buf hdr;  /* the part header block being read */
    struct buf line; /* a header line or candidate boundary line being gathered */
    int bol;         /* body: the next byte starts a line */
    int cand;        /* body: line holds the start of a possible boundary line */
    int aftercr;     /* body: the last content byte was a CR (a bare one if '-' follows) */
    int shadow;      /* body: line holds a line after a bare CR (mime_shadow_done) */
    size_t nbound;   /* open boundaries */
    char pend[3];    /* a line end held back: it belongs to a boundary line if one follows */
    size_t npend;
    struct b64_state b64;
    struct qp_state qp;
    struct mime_uu uu;
    unsigned char out[MIME_OUT_SIZE];
};

/* mime.c */
void mime_bad(struct mime *m, const char *why);
void mime_over(struct mime *m, const char *why);
int mime_emit(struct mime *m, enum mime_event ev, const struct mime_part *p,
              const unsigned char *data, size_t len);
int mime_data(struct mime *m, const struct mime_part *p, const unsigned char *data, size_t len);
int mime_frame_depth_ok(struct mime *m, unsigned depth);

/* mime_part.c */
/* The part described by the header fields ct, cte, cd (NULL when absent), into f; its index,
 * parent and depth are set by the caller. 0, or -1 when a limit stopped the parse. */
int mime_part_build(struct mime *m, struct mime_frame *f, const char *ct, size_t ctn,
                    const char *cte, size_t cten, const char *cd, size_t cdn, int digest);
/* The fields of the header block in m->hdr, then mime_part_build. */
int mime_part_block(struct mime *m, struct mime_frame *f, int digest);
void mime_part_free(struct mime_frame *f);

/* mime_uu.c */
void mime_uu_start(struct mime *m, int junk);
int mime_uu_feed(struct mime *m, const unsigned char *p, size_t n);
int mime_uu_finish(struct mime *m);
void mime_uu_abandon(struct mime *m);

#endif
