/* sockscope-capture.c: libpcap on the lab's loopback, one `packet` event per frame.
 *
 * In immediate mode libpcap uses TPACKET_V2, whose ring slots are as large
 * as lo's MTU (64 KiB): a 32 MiB ring holds only ~500 frames.  So frames
 * are copied out of the ring as soon as they arrive, into a compact queue,
 * and turned into events from there, a few at a time, while the output
 * to the front end is not backed up.  A burst then costs memory, not drops.
 *
 * The event path does not allocate: the decoder writes into a reused
 * buffer, base64 is encoded in place at the end of the output buffer.
 */
#include "config.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "sockscope-lab-private.h"

#define SNAPLEN     262144
#define BUFFER_SIZE (32 * 1024 * 1024)

/* libpcap on the lo of the calling thread's network namespace (the lab's, or a host's). */
static pcap_t *
open_lo (GError **error)
{
  char errbuf[PCAP_ERRBUF_SIZE] = "";
  pcap_t *p = pcap_create ("lo", errbuf);
  int rc;

  if (p == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot capture on lo: %s", errbuf);
      return NULL;
    }
  pcap_set_snaplen (p, SNAPLEN);
  pcap_set_immediate_mode (p, 1);
  pcap_set_tstamp_precision (p, PCAP_TSTAMP_PRECISION_NANO);
  pcap_set_buffer_size (p, BUFFER_SIZE);
  rc = pcap_activate (p);
  if (rc < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot capture on lo: %s (%s)",
                   pcap_statustostr (rc), pcap_geterr (p));
      pcap_close (p);
      return NULL;
    }
  if (pcap_setnonblock (p, 1, errbuf) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot capture on lo: %s", errbuf);
      pcap_close (p);
      return NULL;
    }
  return p;
}

gboolean
ss_capture_open (SsLab   *lab,
                 GError **error)
{
  pcap_t *p = open_lo (error);

  if (p == NULL)
    return FALSE;
  lab->pcap = p;
  lab->pcap_fd = pcap_get_selectable_fd (p);
  lab->linktype = pcap_datalink (p);
  ss_str_init (&lab->pkt_json);
  lab->queue = g_queue_new ();
  lab->analyzer = ss_analyzer_new (0);
  return TRUE;
}

/* A host's lo (called inside the host's namespace): its frames go to the same queue. */
pcap_t *
ss_capture_open_host (SsLab   *lab,
                      GError **error)
{
  return open_lo (error);
}

static void
append_base64 (GString      *out,
               const guint8 *data,
               gsize         len)
{
  gsize old = out->len;
  gint state = 0, save = 0;
  gsize n;

  g_string_set_size (out, old + (len / 3 + 1) * 4 + 4);
  n = g_base64_encode_step (data, len, FALSE, out->str + old, &state, &save);
  n += g_base64_encode_close (FALSE, out->str + old + n, &state, &save);
  g_string_set_size (out, old + n);
}

typedef struct
{
  guint64 t_ns;
  guint32 caplen;
  guint32 len;
  guint32 source;   /* SsSource */
  guint32 pad;
  guint64 id;       /* a wire frame's or decision's frame number */
} SsQueued;

/* The queue is a list of chunks, so that growing it never copies it. */
#define CHUNK_SIZE (1 << 20)

void
ss_capture_enqueue (SsLab        *lab,
                    int           source,
                    guint64       id,
                    guint64       t_ns,
                    guint32       caplen,
                    guint32       len,
                    const guint8 *bytes)
{
  gsize need = (sizeof (SsQueued) + caplen + 7) & ~(gsize) 7;
  GByteArray *chunk = g_queue_peek_tail (lab->queue);
  SsQueued q = { 0 };

  if (chunk == NULL || chunk->len + need > MAX (CHUNK_SIZE, need))
    {
      chunk = g_byte_array_sized_new (MAX (CHUNK_SIZE, need));
      g_queue_push_tail (lab->queue, chunk);
    }
  q.t_ns = t_ns;
  q.caplen = caplen;
  q.len = len;
  q.source = (guint32) source;
  q.id = id;
  g_byte_array_append (chunk, (const guint8 *) &q, sizeof q);
  g_byte_array_append (chunk, bytes, caplen);
  g_byte_array_set_size (chunk, chunk->len + (guint) (need - sizeof q - caplen));
}

static void
on_frame (u_char                   *user,
          const struct pcap_pkthdr *h,
          const u_char             *bytes)
{
  SsCapSource *src = (SsCapSource *) user;

  /* With nanosecond precision, tv_usec holds nanoseconds. */
  ss_capture_enqueue (src->lab, src->source, 0,
                      (guint64) h->ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) h->ts.tv_usec,
                      h->caplen, h->len, bytes);
}

/* Whether a SYN-ACK answering this SYN is among the frames captured after it (the queue):
 * on lo the kernel answers within microseconds, before the lab gets to the SYN. */
static gboolean
answered_in_queue (SsLab                 *lab,
                   const SsPacketSummary *syn)
{
  gsize pos = lab->queue_pos;
  guint seen = 0;

  for (GList *l = lab->queue->head; l != NULL && seen < 512; l = l->next, pos = 0)
    {
      GByteArray *chunk = l->data;

      while (pos + sizeof (SsQueued) <= chunk->len && seen++ < 512)
        {
          SsQueued q;
          SsPacketSummary s;

          memcpy (&q, chunk->data + pos, sizeof q);
          if (q.source == SS_SRC_DECISION)
            {
              pos += (sizeof q + q.caplen + 7) & ~(gsize) 7;
              continue;
            }
          ss_packet_summarize ((uint32_t) lab->linktype, chunk->data + pos + sizeof q, q.caplen, q.len, &s);
          pos += (sizeof q + q.caplen + 7) & ~(gsize) 7;
          if (s.proto == SS_PROTO_TCP && s.l4_caplen >= 20 && (s.tcp_flags & 0x12) == 0x12
              && s.sport == syn->dport && s.dport == syn->sport && s.ack == syn->seq + 1)
            return TRUE;
        }
    }
  return FALSE;
}

/* A SYN the listener drops: the packets cannot tell it yet (no answer is not yet seen), the
 * kernel can. Linux drops a SYN when the accept queue is full, that is when the connections
 * waiting for accept outnumber the backlog (sk_acceptq_is_full: sk_ack_backlog >
 * sk_max_ack_backlog); sock_diag gives both as the LISTEN socket's recv_q and send_q. The
 * queue is read when the lab gets to the SYN, which may be after the kernel answered it and
 * queued its connection: a SYN whose SYN-ACK was captured was not ignored. */
static gboolean
syn_ignored (SsLab                 *lab,
             const SsPacketSummary *sum,
             const guint8          *bytes)
{
  static const guint8 any[16], any4[16] = { [10] = 0xff, [11] = 0xff };
  g_autoptr(GArray) entries = NULL;
  guint8 dst[16] = { 0 };

  if (sum->proto != SS_PROTO_TCP || sum->l4_caplen < 20 || (sum->tcp_flags & 0x12) != 0x02
      || answered_in_queue (lab, sum))
    return FALSE;
  if (sum->l3 == SS_PROTO_IPV4)
    {
      dst[10] = dst[11] = 0xff;
      memcpy (dst + 12, bytes + sum->l3_off + 16, 4);
    }
  else
    memcpy (dst, bytes + sum->l3_off + 24, 16);
  entries = ss_sockdiag_snapshot (lab);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      const SsSockEntry *e = &g_array_index (entries, SsSockEntry, i);

      if (e->proto == IPPROTO_TCP && e->state == TCP_LISTEN && e->tuple.lport == sum->dport
          && (memcmp (e->tuple.local, dst, 16) == 0 || memcmp (e->tuple.local, any, 16) == 0
              || memcmp (e->tuple.local, any4, 16) == 0)
          && e->rq > e->wq)
        return TRUE;
    }
  return FALSE;
}

/* The analysis members of a packet event (docs/EVENT-LOG.md). */
static void
append_analysis (SsLab                 *lab,
                 guint64                n,
                 const SsPacketSummary *sum,
                 const guint8          *bytes)
{
  SsAnalysis an;

  ss_analyzer_feed (lab->analyzer, n, sum, bytes, &an);
  if (an.kind == SS_ANALYSIS_NONE && syn_ignored (lab, sum, bytes))
    an.kind = SS_ANALYSIS_SYN_IGNORED;
  ss_str_truncate (&lab->pkt_json, 0);
  ss_analysis_append_json (&lab->pkt_json, &an);
  g_string_append_len (lab->out, lab->pkt_json.data, (gssize) lab->pkt_json.len);
}

/* The hosts at a frame's two ends, by where it was captured. */
static const guint8 source_hosts[SS_N_SRC][2] = {
  [SS_SRC_LAB] = { SS_HOST_NONE, SS_HOST_NONE },
  [SS_SRC_HOST_A] = { SS_HOST_A, SS_HOST_A },
  [SS_SRC_HOST_B] = { SS_HOST_B, SS_HOST_B },
  [SS_SRC_WIRE_AB] = { SS_HOST_A, SS_HOST_B },
  [SS_SRC_WIRE_BA] = { SS_HOST_B, SS_HOST_A },
};

static void
emit_packet (SsLab        *lab,
             guint32       source,
             guint64       frame_id,
             guint64       t_ns,
             guint32       caplen,
             guint32       len,
             const guint8 *bytes)
{
  SsPacketSummary sum;
  SsCallRec *cause;
  SsEnd from, to;
  gboolean burst;
  GString *out = lab->out;

  /* A packet captured after the last look at the actors' channels may come
   * from a call whose "started" message is waiting there: read it first. */
  if (t_ns > lab->last_drain_ns)
    ss_lab_drain_starts (lab);

  lab->last_packet_mono = g_get_monotonic_time ();
  lab->states_stale = TRUE;

  lab->pkt_t_ns = t_ns;
  lab->pkt_hosts[0] = source_hosts[source][0];
  lab->pkt_hosts[1] = source_hosts[source][1];
  memset (&sum, 0, sizeof sum);
  ss_packet_summarize ((uint32_t) lab->linktype, bytes, caplen, len, &sum);
  cause = ss_cause_attribute (lab, &sum, bytes, &burst);
  ss_ends_attribute (lab, &sum, bytes, cause, &from, &to);

  ss_lab_event_begin (lab, t_ns, "packet", cause ? cause->step : lab->step);
  g_string_append_printf (out, ",\"n\":%" G_GUINT64_FORMAT, ++lab->n_packets);
  if (source == SS_SRC_WIRE_AB || source == SS_SRC_WIRE_BA)
    {
      g_string_append_printf (out, ",\"wire\":\"%s\"", source == SS_SRC_WIRE_AB ? "a>b" : "b>a");
      ss_wire_note_packet (lab, frame_id, lab->seq, lab->n_packets);
    }
  else if (source == SS_SRC_HOST_A || source == SS_SRC_HOST_B)
    g_string_append_printf (out, ",\"host\":\"%s\"", source == SS_SRC_HOST_A ? "a" : "b");
  if (cause != NULL)
    {
      g_string_append_printf (out, ",\"cause\":%" G_GUINT64_FORMAT ",\"cause_text\":", cause->seq);
      ss_json_append_string (out, cause->cause_text, -1);
    }
  else
    g_string_append_printf (out, ",\"cause\":null,\"cause_text\":\"%s\"", burst ? "burst" : "kernel");
  ss_ends_append_json (out, &from, &to);
  append_analysis (lab, lab->n_packets, &sum, bytes);
  g_string_append_printf (out, ",\"linktype\":%d,\"caplen\":%u,\"origlen\":%u,\"pkt\":",
                          lab->linktype, caplen, len);
  ss_str_truncate (&lab->pkt_json, 0);
  ss_json_packet_summary (&lab->pkt_json, (uint32_t) lab->linktype, bytes, caplen, len);
  g_string_append_len (out, lab->pkt_json.data, (gssize) lab->pkt_json.len);
  g_string_append (out, ",\"raw\":\"");
  append_base64 (out, bytes, caplen);
  g_string_append_c (out, '"');
  ss_lab_event_end (lab);
}

void
ss_capture_close (SsLab *lab)
{
  g_clear_pointer (&lab->pcap, pcap_close);
  ss_str_clear (&lab->pkt_json);
  g_clear_pointer (&lab->analyzer, ss_analyzer_free);
  if (lab->queue != NULL)
    g_queue_free_full (g_steal_pointer (&lab->queue), (GDestroyNotify) g_byte_array_unref);
}

/* Empty the kernel's rings and the wire's reports into the queue: cheap, done on every turn of
 * the loop. */
void
ss_capture_read (SsLab *lab)
{
  if (lab->capture_cut)
    return;
  pcap_dispatch (lab->pcap, -1, on_frame, (u_char *) &lab->cap_source[SS_SRC_LAB]);
  for (int h = 0; h < 2; h++)
    if (lab->host_pcap[h] != NULL)
      pcap_dispatch (lab->host_pcap[h], -1, on_frame, (u_char *) &lab->cap_source[SS_SRC_HOST_A + h]);
  ss_wire_read (lab);
}

/* Turn up to @max queued frames into events.  Returns whether some are left. */
gboolean
ss_capture_process (SsLab *lab,
                    guint  max)
{
  GByteArray *chunk;

  /* A packet can drain the actors, whose return logs the packets before it: that inner call
   * must not consume the queue under this loop's feet. */
  if (lab->processing_frames)
    return TRUE;
  lab->processing_frames = TRUE;
  for (guint i = 0; i < max; i++)
    {
      SsQueued q;

      /* The ring is small and an event takes far longer to make than a
       * frame to copy: empty the ring before each one. */
      ss_capture_read (lab);
      while ((chunk = g_queue_peek_head (lab->queue)) != NULL && lab->queue_pos >= chunk->len)
        {
          g_byte_array_unref (g_queue_pop_head (lab->queue));
          lab->queue_pos = 0;
        }
      if (chunk == NULL)
        {
          lab->processing_frames = FALSE;
          return FALSE;
        }
      memcpy (&q, chunk->data + lab->queue_pos, sizeof q);
      if (q.source == SS_SRC_DECISION)
        ss_wire_emit_decision (lab, chunk->data + lab->queue_pos + sizeof q, q.caplen);
      else
        emit_packet (lab, q.source, q.id, q.t_ns, q.caplen, q.len, chunk->data + lab->queue_pos + sizeof q);
      lab->queue_pos += (sizeof q + q.caplen + 7) & ~(gsize) 7;
    }
  lab->processing_frames = FALSE;
  chunk = g_queue_peek_head (lab->queue);
  return chunk != NULL && (lab->queue_pos < chunk->len || lab->queue->length > 1);
}

void
ss_capture_stats (SsLab *lab,
                  guint *ps_recv,
                  guint *ps_drop)
{
  struct pcap_stat st = { 0 };

  pcap_stats (lab->pcap, &st);
  *ps_recv = st.ps_recv;
  *ps_drop = st.ps_drop;
}
