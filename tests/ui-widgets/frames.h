/* frames.h: hand-built frames for the widget tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LINKTYPE_NULL      0
#define LINKTYPE_ETHERNET  1
#define LINKTYPE_LINUX_SLL 113
#define LINKTYPE_IPV4      228
#define LINKTYPE_IPV6      229
#define LINKTYPE_SLL2      276

typedef struct
{
  guint   linktype;
  GBytes *bytes;
} TestFrame;

/* Ethernet + IPv4 + TCP SYN with the options Linux sends (MSS, SACK permitted, timestamps,
 * NOP, window scale): 74 bytes; tcp.dstport is at 36, ip.proto at 23. */
GBytes    *test_frame_tcp_syn    (void);
/* The same SYN, captured with a 50-byte snap length. */
GBytes    *test_frame_truncated  (void);
/* Frames that together make the decoder emit every field id it has. Free with
 * test_frames_free(). */
TestFrame *test_frames_all       (guint     *n_frames);
void       test_frames_free      (TestFrame *frames,
                                  guint      n_frames);

G_END_DECLS
