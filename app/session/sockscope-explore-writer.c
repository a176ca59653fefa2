/* sockscope-explore-writer.c: what was explored, as a lesson file. Each step's English and French
 * texts are pre-filled with what its run showed, read from the log: the call's result and the
 * packets it caused ("client sends 4 bytes; one UDP datagram."). The phrases are written here in
 * both languages, whatever the interface's: a lesson carries both. The questions are left for the
 * teacher, and the file passes the lesson checker before it is written. */
#include "config.h"

#include <string.h>

#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sockscope-calls.h"
#include "sockscope-explore-private.h"

/* A phrase in the lesson's two languages: both literals, so that printf formats are checked. */
#define PICK(lang, en, fr) (g_strcmp0 ((lang), "fr") == 0 ? (fr) : (en))

#define P_SOCKET(lang) PICK ((lang), "%s gets a new %s socket, %s", "%s obtient une nouvelle socket %s, %s")
#define P_BIND(lang) PICK ((lang), "%s gives its socket the address %s", "%s donne à sa socket l'adresse %s")
#define P_LISTEN(lang) PICK ((lang), "%s listens: the kernel now accepts connections for it", "%s écoute : le noyau accepte désormais les connexions pour lui")
#define P_ACCEPT(lang) PICK ((lang), "%s accepts a connection from %s: a new socket, %s", "%s accepte une connexion de %s : une nouvelle socket, %s")
#define P_CONNECT(lang) PICK ((lang), "%s connects to %s", "%s se connecte à %s")
#define P_SENDS(lang) PICK ((lang), "%s sends %lld bytes", "%s envoie %lld octets")
#define P_SENDS_ONE(lang) PICK ((lang), "%s sends 1 byte", "%s envoie 1 octet")
#define P_RECEIVES(lang) PICK ((lang), "%s receives %lld bytes", "%s reçoit %lld octets")
#define P_RECEIVES_ONE(lang) PICK ((lang), "%s receives 1 byte", "%s reçoit 1 octet")
#define P_RECEIVES_FROM(lang) PICK ((lang), "%s receives %lld bytes from %s", "%s reçoit %lld octets de %s")
#define P_RECEIVES_NONE(lang) PICK ((lang), "%s receives 0 bytes: the other side has closed", "%s reçoit 0 octet : l'autre côté a fermé")
#define P_CLOSES(lang) PICK ((lang), "%s closes %s", "%s ferme %s")
#define P_FORKS(lang) PICK ((lang), "%s forks: %s is a new process", "%s fait un fork : %s est un nouveau processus")
#define P_THREAD(lang) PICK ((lang), "%s starts the thread %s", "%s lance le thread %s")
#define P_EXITS(lang) PICK ((lang), "%s ends", "%s se termine")
#define P_RETURNS(lang) PICK ((lang), "%s calls %s, which returns %lld", "%s appelle %s, qui rend %lld")
#define P_FAILS(lang) PICK ((lang), "%s calls %s, which fails with %s", "%s appelle %s, qui échoue avec %s")
#define P_BLOCKS(lang) PICK ((lang), "%s calls %s, which blocks", "%s appelle %s, qui bloque")
#define P_AFTER_BLOCKING(lang) PICK ((lang), ", after blocking", ", après avoir bloqué")
#define P_NO_PACKET(lang) PICK ((lang), "no packet", "aucun paquet")
#define P_ONE_DATAGRAM(lang) PICK ((lang), "one UDP datagram", "un datagramme UDP")
#define P_DATAGRAMS(lang) PICK ((lang), "%u UDP datagrams", "%u datagrammes UDP")
#define P_ONE_PACKET(lang) PICK ((lang), "one packet: %s", "un paquet : %s")
#define P_PACKETS(lang) PICK ((lang), "packets: %s", "paquets : %s")
#define P_SEGMENTS(lang) PICK ((lang), "%u TCP segments", "%u segments TCP")
#define P_DATA(lang) PICK ((lang), "data", "données")
#define P_SEPARATOR(lang) PICK ((lang), "; ", " ; ")

/* What the log says of one step. */
typedef struct
{
  JsonObject *call;
  JsonObject *ret;
  gboolean    blocked;
  GPtrArray  *packets;   /* JsonObject: the packet events */
} Facts;

static void
facts_clear (Facts *facts)
{
  g_clear_pointer (&facts->call, json_object_unref);
  g_clear_pointer (&facts->ret, json_object_unref);
  g_clear_pointer (&facts->packets, g_ptr_array_unref);
}

/* The facts of steps 1 to @n_steps, in one pass over the log. */
static Facts *
collect_facts (SockscopeEventLog *log,
               guint              n_steps)
{
  Facts *facts = g_new0 (Facts, n_steps + 1);
  g_autoptr(GHashTable) step_of_call = g_hash_table_new (NULL, NULL);
  guint n = sockscope_event_log_get_n_events (log);

  for (guint i = 0; i <= n_steps; i++)
    facts[i].packets = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint pos = 0; pos < n; pos++)
    {
      SockscopeEventType type = sockscope_event_log_get_event_type (log, pos);
      g_autoptr(JsonObject) event = NULL;
      gint64 seq, number;
      const char *member;

      if (type == SOCKSCOPE_EVENT_CALL)
        {
          int step = sockscope_event_log_get_step (log, pos);

          if (step < 1 || (guint) step > n_steps || facts[step].call != NULL ||
              (event = sockscope_event_log_parse (log, pos)) == NULL)
            continue;
          seq = json_object_get_int_member_with_default (event, "seq", 0);
          g_hash_table_insert (step_of_call, GSIZE_TO_POINTER (seq), GINT_TO_POINTER (step));
          facts[step].call = g_steal_pointer (&event);
          continue;
        }
      if (type != SOCKSCOPE_EVENT_RETURN && type != SOCKSCOPE_EVENT_BLOCKED && type != SOCKSCOPE_EVENT_PACKET)
        continue;
      if ((event = sockscope_event_log_parse (log, pos)) == NULL)
        continue;
      member = type == SOCKSCOPE_EVENT_PACKET ? "cause" : "call_seq";
      if (!json_object_has_member (event, member) || json_object_get_null_member (event, member))
        continue;
      number = GPOINTER_TO_INT (g_hash_table_lookup (step_of_call, GSIZE_TO_POINTER (json_object_get_int_member (event, member))));
      if (number < 1)
        continue;
      if (type == SOCKSCOPE_EVENT_PACKET)
        g_ptr_array_add (facts[number].packets, g_steal_pointer (&event));
      else if (type == SOCKSCOPE_EVENT_BLOCKED)
        facts[number].blocked = TRUE;
      else if (facts[number].ret == NULL)
        facts[number].ret = g_steal_pointer (&event);
    }
  return facts;
}

/* "SYN", "SYN-ACK", "data", "FIN", "RST", "ACK" from tcpdump's flags ("S.", "P.", "F."). */
static const char *
tcp_name (JsonObject *pkt,
          const char *lang)
{
  const char *flags = json_object_get_string_member_with_default (pkt, "flags", "");
  gint64 len = json_object_get_int_member_with_default (pkt, "len", 0);

  if (flags == NULL)
    flags = "";
  if (strchr (flags, 'R') != NULL)
    return "RST";
  if (strchr (flags, 'S') != NULL)
    return strchr (flags, '.') != NULL ? "SYN-ACK" : "SYN";
  if (strchr (flags, 'F') != NULL)
    return "FIN";
  if (len > 0)
    return P_DATA (lang);
  return "ACK";
}

static char *
describe_packets (GPtrArray  *packets,
                  const char *lang)
{
  guint udp = 0, tcp = 0;
  g_autoptr(GString) names = g_string_new (NULL);

  if (packets->len == 0)
    return g_strdup (P_NO_PACKET (lang));
  for (guint i = 0; i < packets->len; i++)
    {
      JsonObject *pkt = json_object_get_object_member (g_ptr_array_index (packets, i), "pkt");
      const char *proto = pkt ? json_object_get_string_member_with_default (pkt, "proto", "?") : "?";
      g_autofree char *upper = g_ascii_strup (proto ? proto : "?", -1);
      const char *name = upper;

      if (g_strcmp0 (proto, "udp") == 0)
        {
          udp++;
          name = "UDP";
        }
      else if (g_strcmp0 (proto, "tcp") == 0)
        {
          tcp++;
          name = tcp_name (pkt, lang);
        }
      g_string_append_printf (names, "%s%s", i ? ", " : "", name);
    }
  if (udp == packets->len)
    return udp == 1 ? g_strdup (P_ONE_DATAGRAM (lang)) : g_strdup_printf (P_DATAGRAMS (lang), udp);
  if (tcp == packets->len && tcp > 6)
    return g_strdup_printf (P_SEGMENTS (lang), tcp);
  if (packets->len == 1)
    return g_strdup_printf (P_ONE_PACKET (lang), names->str);
  return g_strdup_printf (P_PACKETS (lang), names->str);
}

static const char *
socket_kind (const SockscopeExploreStep *step)
{
  gboolean unix_family = strstr (step->call, "AF_UNIX") || strstr (step->call, "AF_LOCAL") || strstr (step->call, "PF_UNIX");
  gboolean dgram = strstr (step->call, "SOCK_DGRAM") != NULL;

  if (unix_family)
    return dgram ? "Unix (SOCK_DGRAM)" : "Unix (SOCK_STREAM)";
  return dgram ? "UDP" : "TCP";
}

/* The first argument as written: "c" in "close(c)". */
static char *
first_argument (const char *call)
{
  const char *open = strchr (call, '(');
  gsize n;

  if (open == NULL)
    return g_strdup ("?");
  n = strcspn (open + 1, ",)");
  return g_strstrip (g_strndup (open + 1, n));
}

/* The call as written, without `x = ` and `-> name`. */
static char *
bare_call (const char *call)
{
  const char *open = strchr (call, '(');
  const char *eq = strchr (call, '=');
  const char *arrow = strstr (call, "->");
  const char *start = eq != NULL && open != NULL && eq < open ? eq + 1 : call;
  const char *end = arrow != NULL ? arrow : call + strlen (call);

  return g_strstrip (g_strndup (start, end - start));
}

/* What the call did, from its return: "client sends 4 bytes". */
static char *
describe_call (const SockscopeExploreStep *step,
               const Facts                *facts,
               const char                 *lang)
{
  const SsCallInfo *info;
  g_autofree char *call = bare_call (step->call);
  g_autofree char *head = g_strndup (call, strcspn (call, "("));
  const char *actor = step->actor;
  JsonObject *out;
  const char *err, *addr;
  gint64 ret;
  char *text;

  info = ss_call_lookup (g_strstrip (head));
  if (facts->ret == NULL)
    {
      if (info != NULL && (info->id == SS_CALL_EXIT || info->id == SS_CALL_PTHREAD_EXIT))
        return g_strdup_printf (P_EXITS (lang), actor);
      return g_strdup_printf (P_BLOCKS (lang), actor, call);
    }
  ret = json_object_get_int_member_with_default (facts->ret, "ret", 0);
  err = json_object_get_string_member_with_default (facts->ret, "errno", NULL);
  out = json_object_get_object_member (facts->ret, "out");
  addr = out != NULL ? json_object_get_string_member_with_default (out, "addr", NULL) : NULL;
  if (err != NULL)
    return g_strdup_printf (P_FAILS (lang), actor, call, err);
  if (info == NULL)
    return g_strdup_printf (P_RETURNS (lang), actor, call, (long long) ret);

  switch (info->id)
    {
    case SS_CALL_SOCKET:
      {
        g_autofree char *fd = NULL;
        const char *eq = strchr (step->call, '=');

        if (eq != NULL && eq < strchr (step->call, '('))
          {
            g_autofree char *var = g_strstrip (g_strndup (step->call, eq - step->call));

            fd = g_strdup_printf ("%s = %lld", var, (long long) ret);
          }
        else
          fd = g_strdup_printf ("%lld", (long long) ret);
        text = g_strdup_printf (P_SOCKET (lang), actor, socket_kind (step), fd);
      }
      break;
    case SS_CALL_BIND:
      {
        g_autofree char *args = g_strdup (strchr (call, ',') ? strchr (call, ',') + 1 : "");

        args[strcspn (args, ")")] = '\0';
        text = g_strdup_printf (P_BIND (lang), actor, g_strstrip (args));
      }
      break;
    case SS_CALL_LISTEN:
      text = g_strdup_printf (P_LISTEN (lang), actor);
      break;
    case SS_CALL_ACCEPT:
      {
        g_autofree char *fd = g_strdup_printf ("%lld", (long long) ret);

        text = g_strdup_printf (P_ACCEPT (lang), actor, addr ? addr : "?", fd);
      }
      break;
    case SS_CALL_CONNECT:
      {
        g_autofree char *args = g_strdup (strchr (call, ',') ? strchr (call, ',') + 1 : "");

        args[strcspn (args, ")")] = '\0';
        text = g_strdup_printf (P_CONNECT (lang), actor, g_strstrip (args));
      }
      break;
    case SS_CALL_SEND:
    case SS_CALL_SENDTO:
      text = ret == 1 ? g_strdup_printf (P_SENDS_ONE (lang), actor)
                      : g_strdup_printf (P_SENDS (lang), actor, (long long) ret);
      break;
    case SS_CALL_RECV:
    case SS_CALL_RECVFROM:
      if (ret == 0 && info->id == SS_CALL_RECV)
        text = g_strdup_printf (P_RECEIVES_NONE (lang), actor);
      else if (addr != NULL)
        text = g_strdup_printf (P_RECEIVES_FROM (lang), actor, (long long) ret, addr);
      else if (ret == 1)
        text = g_strdup_printf (P_RECEIVES_ONE (lang), actor);
      else
        text = g_strdup_printf (P_RECEIVES (lang), actor, (long long) ret);
      break;
    case SS_CALL_CLOSE:
      {
        g_autofree char *fd = first_argument (call);

        text = g_strdup_printf (P_CLOSES (lang), actor, fd);
      }
      break;
    case SS_CALL_FORK:
    case SS_CALL_PTHREAD_CREATE:
      {
        const char *arrow = strstr (step->call, "->");
        g_autofree char *child = g_strstrip (g_strdup (arrow ? arrow + 2 : "?"));

        text = g_strdup_printf (info->id == SS_CALL_FORK ? P_FORKS (lang) : P_THREAD (lang), actor, child);
      }
      break;
    default:
      text = g_strdup_printf (P_RETURNS (lang), actor, call, (long long) ret);
      break;
    }
  if (facts->blocked)
    {
      char *longer = g_strconcat (text, P_AFTER_BLOCKING (lang), NULL);

      g_free (text);
      text = longer;
    }
  return text;
}

static char *
describe (const SockscopeExploreStep *step,
          const Facts                *facts,
          const char                 *lang)
{
  g_autofree char *call = NULL;
  g_autofree char *packets = NULL;

  if (facts->call == NULL)
    return g_strdup (step->line);
  call = describe_call (step, facts, lang);
  packets = describe_packets (facts->packets, lang);
  return g_strdup_printf ("%s%s%s.", call, P_SEPARATOR (lang), packets);
}

char *
sockscope_explore_describe_step (SockscopeExplore *self,
                                 guint             number,
                                 const char       *lang)
{
  GPtrArray *steps;
  Facts *facts;
  char *text;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  steps = sockscope_explore_step_list (self);
  g_return_val_if_fail (number >= 1 && number <= steps->len, NULL);

  facts = collect_facts (sockscope_explore_get_log (self), number);
  text = describe (g_ptr_array_index (steps, number - 1), &facts[number], lang);
  for (guint i = 0; i <= number; i++)
    facts_clear (&facts[i]);
  g_free (facts);
  return text;
}

/* One line of text, as a lesson's `en:` takes it. */
static void
append_text_line (GString    *out,
                  const char *key,
                  const char *text)
{
  g_autofree char *line = g_strdup (text);

  g_strdelimit (line, "\r\n", ' ');
  g_string_append_printf (out, "  %s: %s\n", key, *g_strstrip (line) ? line : "…");
}

char *
sockscope_explore_write_text (SockscopeExplore *self,
                              GPtrArray        *actors,
                              GPtrArray        *steps,
                              guint             n_described,
                              const char       *id,
                              const char       *title,
                              gboolean          for_file)
{
  g_autoptr(GString) out = g_string_new (NULL);
  Facts *facts = NULL;
  guint n_facts = MIN (n_described, steps->len);

  if (n_facts > 0)
    facts = collect_facts (sockscope_explore_get_log (self), n_facts);

  if (for_file)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *date = g_date_time_format (now, "%Y-%m-%d %H:%M");
      g_autofree char *title_en = title ? g_strdup (title) : g_strdup_printf ("Exploration of %s", date);
      g_autofree char *title_fr = title ? g_strdup (title) : g_strdup_printf ("Exploration du %s", date);

      g_string_append (out,
                       "# Made in Sockscope's explore mode. Each step's texts say what happened when it\n"
                       "# ran: rewrite them for your students. To ask a question before a step, add under\n"
                       "# it 'ask: blocks', 'ask: returns', 'ask: packets' or 'ask: state' (lessons/README.md,\n"
                       "# Questions). Check the file with: sockscope-cli check FILE\n");
      g_string_append_printf (out, "id: %s\ntheme: explore\ntitle.en: %s\ntitle.fr: %s\n", id, title_en, title_fr);
      g_string_append_printf (out, "description.en: Made in explore mode on %s: %u %s.\n", date, steps->len,
                              steps->len == 1 ? "step" : "steps");
      g_string_append_printf (out, "description.fr: Faite en mode exploration le %s : %u %s.\n", date, steps->len,
                              steps->len == 1 ? "étape" : "étapes");
    }
  else
    g_string_append (out, "id: explore\ntitle.en: Explore\ntitle.fr: Explorer\n");
  /* Two hosts and the wire between them, as the lesson gone on from has them. */
  if (sockscope_explore_host_name (self, 0) != NULL)
    {
      const char * const *wire = sockscope_explore_wire (self);

      g_string_append_printf (out, "host.a: %s\nhost.b: %s\n",
                              sockscope_explore_host_name (self, 0), sockscope_explore_host_name (self, 1));
      for (guint i = 0; wire != NULL && wire[i]; i++)
        g_string_append_printf (out, "wire: %s\n", wire[i]);
    }

  for (guint i = 0; i < actors->len; i++)
    {
      SockscopeExploreActor *actor = g_ptr_array_index (actors, i);

      g_string_append_printf (out, "\nactor: %s\n", actor->name);
      if (actor->role != NULL)
        g_string_append_printf (out, "  role: %s\n", actor->role);
      if (actor->parent != NULL)
        g_string_append_printf (out, "  parent: %s\n", actor->parent);
      if (actor->thread)
        g_string_append (out, "  kind: thread\n");
      if (actor->host != NULL && actor->parent == NULL)
        g_string_append_printf (out, "  host: %s\n", actor->host);
      append_text_line (out, "label.en", actor->label_en);
      append_text_line (out, "label.fr", actor->label_fr);
    }
  g_string_append (out, "\n");
  for (guint i = 0; i < steps->len; i++)
    {
      SockscopeExploreStep *step = g_ptr_array_index (steps, i);

      g_string_append_printf (out, "%s: %s\n", step->actor, step->call);
      if (step->loop != NULL)
        g_string_append_printf (out, "  loop: %s\n", step->loop);
      if (step->ask != SOCKSCOPE_ASK_NONE)
        g_string_append_printf (out, "  ask: %s\n", sockscope_ask_to_string (step->ask));
      if (step->ask != SOCKSCOPE_ASK_NONE && step->choices != NULL)
        g_string_append_printf (out, "  choices: %s\n", step->choices);
      for (guint k = 0; step->wire != NULL && step->wire[k]; k++)
        g_string_append_printf (out, "  wire: %s\n", step->wire[k]);
      if (step->text_en != NULL && step->text_fr != NULL)
        {
          append_text_line (out, "en", step->text_en);
          append_text_line (out, "fr", step->text_fr);
        }
      else if (i < n_facts)
        {
          g_autofree char *en = describe (step, &facts[i + 1], "en");
          g_autofree char *fr = describe (step, &facts[i + 1], "fr");

          append_text_line (out, "en", en);
          append_text_line (out, "fr", fr);
        }
      else
        {
          g_autofree char *line = g_strdup_printf ("%s: %s", step->actor, step->call);

          append_text_line (out, "en", line);
          append_text_line (out, "fr", line);
        }
      if (for_file)
        g_string_append (out, "\n");
    }
  if (facts != NULL)
    {
      for (guint i = 0; i <= n_facts; i++)
        facts_clear (&facts[i]);
      g_free (facts);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A lesson id from a file name: "My UDP test.lesson" -> "my-udp-test". */
static char *
id_from_path (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GString) id = g_string_new (NULL);

  if (g_str_has_suffix (base, ".lesson"))
    base[strlen (base) - strlen (".lesson")] = '\0';
  for (const char *s = base; *s; s++)
    {
      if (g_ascii_isalnum (*s))
        g_string_append_c (id, g_ascii_tolower (*s));
      else if (id->len > 0 && id->str[id->len - 1] != '-')
        g_string_append_c (id, '-');
    }
  while (id->len > 0 && id->str[id->len - 1] == '-')
    g_string_truncate (id, id->len - 1);
  if (id->len == 0)
    g_string_append (id, "explore");
  return g_string_free (g_steal_pointer (&id), FALSE);
}

char *
sockscope_explore_to_lesson_text (SockscopeExplore *self,
                                  const char       *id,
                                  const char       *title)
{
  g_autofree char *made_id = NULL;
  GPtrArray *steps;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), NULL);
  steps = sockscope_explore_step_list (self);
  if (id == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      made_id = g_date_time_format (now, "explore-%Y%m%d-%H%M");
      id = made_id;
    }
  return sockscope_explore_write_text (self, sockscope_explore_actor_list (self), steps, steps->len, id, title, TRUE);
}

gboolean
sockscope_explore_save (SockscopeExplore  *self,
                        const char        *path,
                        const char        *id,
                        const char        *title,
                        GError           **error)
{
  g_autofree char *made_id = NULL;
  g_autofree char *text = NULL;
  g_autoptr(SockscopeLesson) lesson = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SOCKSCOPE_IS_EXPLORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (sockscope_explore_get_n_steps (self) == 0)
    {
      g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_SAVE,
                   _("nothing to save yet: a lesson needs at least one step"));
      return FALSE;
    }
  if (id == NULL)
    id = made_id = id_from_path (path);
  if (title != NULL && (*title == '\0' || strchr (title, '\n') != NULL))
    {
      g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_SAVE,
                   _("a lesson's title is one line of text"));
      return FALSE;
    }
  text = sockscope_explore_to_lesson_text (self, id, title);
  if ((lesson = sockscope_lesson_new_from_data (text, path, &local_error)) == NULL)
    {
      g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_SAVE,
                   _("the lesson would not pass the checker: %s"), local_error->message);
      return FALSE;
    }
  if (!g_file_set_contents (path, text, -1, &local_error))
    {
      g_autofree char *dir = g_path_get_dirname (path);

      /* GLib names the temporary file it writes first: say it of the folder or the file. */
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_SAVE,
                     _("cannot save the lesson to %s: the folder %s does not exist"), path, dir);
      else if (g_access (dir, W_OK) != 0)
        g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_SAVE,
                     _("cannot save the lesson to %s: you may not write in the folder %s"), path, dir);
      else if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_SAVE,
                     _("cannot save the lesson to %s: it is a folder"), path);
      else
        g_set_error (error, SOCKSCOPE_EXPLORE_ERROR, SOCKSCOPE_EXPLORE_ERROR_SAVE,
                     _("cannot save the lesson to %s: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
