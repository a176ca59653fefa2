/* sockscope-unwind.c: the line of the student's own source a traced call was made from.
 *
 * A C program: the tracer has the thread stopped at the call (a ptrace stop), so libdw unwinds
 * its stack through the C library's CFI (dwfl_linux_proc_attach, assume_ptrace_stopped) to the
 * first frame in the program's own code (a module outside the system's folders: the program,
 * or a library of the student's) that has a line: its file and line.  The process's Dwfl is
 * kept until it execs or ends.  Without debug information (no `cc -g`): "no-debug-info".
 *
 * A Python program: the lab puts app/lab/python/sitecustomize.py on PYTHONPATH; it maps a
 * memfd named "sockscope-pysource" (MAP_PRIVATE: a forked child has its own) and, around each
 * socket operation, writes the calling thread's id and its script's current file and line in
 * that thread's slot.  The tracer finds the mapping once in /proc/PID/maps and reads the slot
 * with process_vm_readv.  The layout is the hook's: SLOTS slots of SLOT_SIZE bytes, int32 tid,
 * int32 line (0: no socket operation of the script is under way), the file NUL-terminated.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "sockscope-lab-private.h"
#include "sockscope-unwind.h"

#define SLOTS          32
#define SLOT_SIZE      512
#define HOOK_MAPPING   "/memfd:sockscope-pysource"
#define MAX_FRAMES     64

typedef enum
{
  KIND_UNKNOWN,
  KIND_NATIVE,
  KIND_PYTHON,
  KIND_SYSTEM,
} Kind;

typedef struct
{
  pid_t    pid;
  Kind     kind;
  Dwfl    *dwfl;
  gboolean attach_failed;
  guint64  py_addr;     /* the hook's buffer, 0: no hook */
} Proc;

struct _SsUnwind
{
  GHashTable *procs;    /* pid → Proc */
  guint64     n, ns;    /* $SOCKSCOPE_UNWIND_STATS: lookups and their time */
};

static const Dwfl_Callbacks proc_callbacks = {
  .find_elf = dwfl_linux_proc_find_elf,
  .find_debuginfo = dwfl_standard_find_debuginfo,
};

static void
proc_free (gpointer data)
{
  Proc *p = data;

  if (p->dwfl != NULL)
    dwfl_end (p->dwfl);
  g_free (p);
}

SsUnwind *
ss_unwind_new (void)
{
  SsUnwind *u = g_new0 (SsUnwind, 1);

  u->procs = g_hash_table_new_full (NULL, NULL, NULL, proc_free);
  return u;
}

void
ss_unwind_free (SsUnwind *u)
{
  if (u == NULL)
    return;
  if (g_getenv ("SOCKSCOPE_UNWIND_STATS") != NULL && u->n > 0)
    fprintf (stderr, "sockscope-lab: %" G_GUINT64_FORMAT " source lookups, %.1f µs each\n",
             u->n, (double) u->ns / (double) u->n / 1000.0);
  g_hash_table_unref (u->procs);
  g_free (u);
}

void
ss_unwind_forget (SsUnwind *u,
                  pid_t     pid)
{
  if (u != NULL)
    g_hash_table_remove (u->procs, GINT_TO_POINTER (pid));
}

const char *
ss_unwind_python_hook_dir (void)
{
  static char *dir;

  if (dir == NULL)
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

      dir = self != NULL && g_str_has_prefix (self, BUILD_ROOT "/") ? g_strdup (SS_PYHOOK_SOURCE_DIR)
                                                                   : g_strdup (SS_PYHOOK_DIR);
    }
  return dir;
}

/* The system's programs and libraries, not the student's: /usr (but /usr/local), /bin, /lib... */
static gboolean
system_path (const char *path)
{
  static const char *const prefixes[] = { "/usr/", "/bin/", "/sbin/", "/lib/", "/lib32/", "/lib64/",
                                          "/libx32/", "/snap/", "/etc/" };

  if (path == NULL || path[0] != '/')
    return TRUE;                          /* [vdso], [heap]... */
  if (g_str_has_prefix (path, "/usr/local/"))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (path, prefixes[i]))
      return TRUE;
  return FALSE;
}

static guint64
find_hook (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/maps", (int) pid);
  g_autofree char *maps = NULL;
  guint64 addr = 0;

  if (!g_file_get_contents (path, &maps, NULL, NULL))
    return 0;
  for (char *line = maps, *next; line != NULL && *line != '\0'; line = next)
    {
      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (strstr (line, HOOK_MAPPING) != NULL)
        {
          addr = g_ascii_strtoull (line, NULL, 16);
          break;
        }
    }
  return addr;
}

static Proc *
proc_get (SsUnwind *u,
          pid_t     pid)
{
  Proc *p = g_hash_table_lookup (u->procs, GINT_TO_POINTER (pid));
  g_autofree char *link = NULL;
  g_autofree char *exe = NULL;
  g_autofree char *base = NULL;
  g_autofree char *self = NULL;

  if (p != NULL)
    return p;
  p = g_new0 (Proc, 1);
  p->pid = pid;
  g_hash_table_insert (u->procs, GINT_TO_POINTER (pid), p);
  link = g_strdup_printf ("/proc/%d/exe", (int) pid);
  if ((exe = g_file_read_link (link, NULL)) == NULL)
    return p;
  base = g_path_get_basename (exe);
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (g_strcmp0 (exe, self) == 0)
    p->kind = KIND_SYSTEM;                /* the lab's own child, before it execs the program */
  else if (g_str_has_prefix (base, "python"))
    {
      p->kind = KIND_PYTHON;
      p->py_addr = find_hook (pid);
    }
  else if (system_path (exe))
    p->kind = KIND_SYSTEM;
  else
    p->kind = KIND_NATIVE;
  return p;
}

/* ---- C: libdw ---- */

typedef struct
{
  guint       n;
  gboolean    no_debug;       /* a frame of the program's own code had no debug information */
  const char *file;
  char       *dir;            /* the compilation's folder, for a relative file name */
  int         line;
  Dwarf_Word  sp;             /* the last frame's stack pointer */
  pid_t       pid;
} Walk;

static char *
comp_dir (Dwfl_Module *mod,
          Dwarf_Addr   pc)
{
  Dwarf_Addr bias;
  Dwarf_Die *cu = dwfl_module_addrdie (mod, pc, &bias);
  Dwarf_Attribute attr;
  const char *dir;

  if (cu == NULL || dwarf_attr (cu, DW_AT_comp_dir, &attr) == NULL || (dir = dwarf_formstring (&attr)) == NULL)
    return NULL;
  return g_strdup (dir);
}

static int
on_frame (Dwfl_Frame *state,
          void       *arg)
{
  Walk *w = arg;
  Dwarf_Addr pc, bias;
  bool activation;
  Dwfl_Module *mod;
  Dwfl_Line *line;
  const char *name;
  int lineno = 0;

  if (++w->n > MAX_FRAMES || !dwfl_frame_pc (state, &pc, &activation))
    return DWARF_CB_ABORT;
  if (!activation)
    pc--;                                  /* the call instruction, not the one after it */
  dwfl_frame_reg (state, 7 /* rsp */, &w->sp);
  mod = dwfl_addrmodule (dwfl_thread_dwfl (dwfl_frame_thread (state)), pc);
  if (mod == NULL)
    return DWARF_CB_OK;
  name = dwfl_module_info (mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  if (system_path (name))
    return DWARF_CB_OK;
  if (dwfl_module_getdwarf (mod, &bias) == NULL)
    {
      w->no_debug = TRUE;                  /* built without cc -g: the frames above say no more */
      return DWARF_CB_ABORT;
    }
  if ((line = dwfl_module_getsrc (mod, pc)) == NULL ||
      (w->file = dwfl_lineinfo (line, NULL, &lineno, NULL, NULL, NULL)) == NULL || lineno <= 0)
    return DWARF_CB_OK;                    /* _start: the C library's, with no line */
  w->line = lineno;
  if (!g_path_is_absolute (w->file))
    w->dir = comp_dir (mod, pc);
  return DWARF_CB_ABORT;
}

/* The line of the program's own code at @pc (a return address: the call before it), or 0. */
static int
own_line (Dwfl        *dwfl,
          Dwarf_Addr   pc,
          Walk        *w)
{
  Dwfl_Module *mod = dwfl_addrmodule (dwfl, pc - 1);
  Dwarf_Addr bias;
  Dwfl_Line *line;
  int lineno = 0;

  if (mod == NULL || system_path (dwfl_module_info (mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL)) ||
      dwfl_module_getdwarf (mod, &bias) == NULL || (line = dwfl_module_getsrc (mod, pc - 1)) == NULL ||
      (w->file = dwfl_lineinfo (line, NULL, &lineno, NULL, NULL, NULL)) == NULL || lineno <= 0)
    return 0;
  w->line = lineno;
  if (!g_path_is_absolute (w->file))
    w->dir = comp_dir (mod, pc - 1);
  return lineno;
}

/* x86-64: the bytes before @ret are a call instruction (E8 rel32; FF /2 through a register or
 * memory), so @ret is a return address, not a code pointer that happens to lie on the stack. */
static gboolean
after_call (pid_t      pid,
            Dwarf_Addr ret)
{
  guint8 b[8];
  struct iovec local = { b, sizeof b }, remote = { (void *) (guintptr) (ret - 8), sizeof b };

  if (process_vm_readv (pid, &local, 1, &remote, 1, 0) != (ssize_t) sizeof b)
    return FALSE;
  return b[3] == 0xe8 ||                                        /* call rel32 */
         (b[2] == 0xff && (b[3] & 0x38) == 0x10) ||             /* call [rip+disp32], [reg+disp32] */
         (b[5] == 0xff && (b[6] & 0x38) == 0x10) ||             /* call [reg+disp8] */
         (b[6] == 0xff && (b[7] & 0xf8) == 0xd0);               /* call reg */
}

/* The unwinder stopped in the C library where it has no CFI (clone and clone3 end theirs
 * before the system call, which the child would not survive): the first return address into
 * the program's own code above the stack pointer, right after a call, is the caller's. */
static void
scan_stack (Dwfl *dwfl,
            Walk *w)
{
  guint64 words[256];
  struct iovec local = { words, sizeof words }, remote = { (void *) (guintptr) w->sp, sizeof words };
  ssize_t n;

  if (w->sp == 0 || (n = process_vm_readv (w->pid, &local, 1, &remote, 1, 0)) <= 0)
    return;
  for (gsize i = 0; i < (gsize) n / 8 && w->line == 0; i++)
    if (words[i] > 4096 && after_call (w->pid, words[i]))
      own_line (dwfl, words[i], w);
}

static void
native_source (Proc    *p,
               pid_t    tid,
               GString *out)
{
  Walk w = { 0 };
  g_autofree char *file = NULL;

  if (p->dwfl == NULL && !p->attach_failed)
    {
      p->dwfl = dwfl_begin (&proc_callbacks);
      if (p->dwfl == NULL || dwfl_linux_proc_report (p->dwfl, p->pid) != 0 ||
          dwfl_report_end (p->dwfl, NULL, NULL) != 0 || dwfl_linux_proc_attach (p->dwfl, p->pid, true) != 0)
        {
          g_clear_pointer (&p->dwfl, dwfl_end);
          p->attach_failed = TRUE;
        }
    }
  if (p->dwfl == NULL)
    {
      g_string_append (out, ",\"source\":{\"missing\":\"no-stack\"}");
      return;
    }
  w.pid = tid;
  dwfl_getthread_frames (p->dwfl, tid, on_frame, &w);
  if (w.line == 0 && !w.no_debug && w.n <= 2)
    scan_stack (p->dwfl, &w);
  if (w.line > 0)
    {
      file = w.dir != NULL ? g_build_filename (w.dir, w.file, NULL) : g_strdup (w.file);
      g_free (w.dir);
      g_string_append (out, ",\"source\":{\"file\":");
      ss_json_append_string (out, file, -1);
      g_string_append_printf (out, ",\"line\":%d}", w.line);
    }
  else
    g_string_append_printf (out, ",\"source\":{\"missing\":\"%s\"}", w.no_debug ? "no-debug-info" : "outside-program");
}

/* ---- Python: the hook's slot ---- */

static gboolean
read_slot (pid_t    pid,
           guint64  addr,
           char    *buf,
           gsize    len)
{
  struct iovec local = { buf, len }, remote = { (void *) (guintptr) addr, len };

  return process_vm_readv (pid, &local, 1, &remote, 1, 0) == (ssize_t) len;
}

static void
python_source (Proc    *p,
               pid_t    tid,
               GString *out)
{
  char slot[SLOT_SIZE];
  gint32 slot_tid = 0, line = 0;
  g_autofree char *all = NULL;
  const char *found = NULL;

  if (p->py_addr == 0)
    {
      g_string_append (out, ",\"source\":{\"missing\":\"no-python-hook\"}");
      return;
    }
  if (read_slot (p->pid, p->py_addr + (guint64) (tid % SLOTS) * SLOT_SIZE, slot, sizeof slot))
    {
      memcpy (&slot_tid, slot, 4);
      if (slot_tid == tid)
        found = slot;
    }
  if (found == NULL)
    {
      all = g_malloc (SLOTS * SLOT_SIZE);
      if (read_slot (p->pid, p->py_addr, all, SLOTS * SLOT_SIZE))
        for (guint i = 0; i < SLOTS && found == NULL; i++)
          {
            memcpy (&slot_tid, all + i * SLOT_SIZE, 4);
            if (slot_tid == tid)
              found = all + i * SLOT_SIZE;
          }
    }
  if (found != NULL)
    memcpy (&line, found + 4, 4);
  if (found == NULL || line <= 0 || memchr (found + 8, '\0', SLOT_SIZE - 8) == NULL)
    {
      g_string_append (out, ",\"source\":{\"missing\":\"outside-program\"}");
      return;
    }
  g_string_append (out, ",\"source\":{\"file\":");
  ss_json_append_string (out, found + 8, -1);
  g_string_append_printf (out, ",\"line\":%d}", (int) line);
}

void
ss_unwind_append_source (SsUnwind *u,
                         pid_t     pid,
                         pid_t     tid,
                         GString  *out)
{
  struct timespec t0, t1;
  Proc *p;

  clock_gettime (CLOCK_MONOTONIC, &t0);
  p = proc_get (u, pid);
  if (p->kind == KIND_NATIVE)
    native_source (p, tid, out);
  else if (p->kind == KIND_PYTHON)
    python_source (p, tid, out);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  u->n++;
  u->ns += (guint64) ((t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
  if (g_getenv ("SOCKSCOPE_UNWIND_STATS") && g_str_equal (g_getenv ("SOCKSCOPE_UNWIND_STATS"), "each"))
    fprintf (stderr, "unwind %d: %.1f µs\n", (int) tid, (double) ((t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec)) / 1000.0);
}
