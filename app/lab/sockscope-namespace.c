/* sockscope-namespace.c: the lab's private user, network and mount namespaces.
 *
 * Everything here runs first in main(), while the lab is single-threaded:
 * unshare(CLONE_NEWUSER) is refused to a threaded process.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sockscope-lab-private.h"

#define APPARMOR_PROFILE PKGDATADIR "/apparmor/sockscope"

void
ss_die_with_parent (void)
{
  pid_t parent = getppid ();

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* The parent may have died before the line above: then nobody will. */
  if (getppid () != parent)
    _exit (1);
}

static gint64
read_sysctl (const char *path)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return -1;
  return g_ascii_strtoll (contents, NULL, 10);
}

static char *
apparmor_remedy (void)
{
  return g_strdup ("Ubuntu's AppArmor restricts unprivileged user namespaces. Allow the lab with "
                   "the profile shipped with Sockscope: sudo install -m 644 " APPARMOR_PROFILE
                   " /etc/apparmor.d/sockscope && sudo apparmor_parser -r "
                   "/etc/apparmor.d/sockscope (or, for every program: sudo sysctl -w "
                   "kernel.apparmor_restrict_unprivileged_userns=0).");
}

/* Why the kernel said no, and what the user can do about it. */
static void
explain_refusal (int      err,
                 const char *step,
                 GError **error,
                 char   **remedy)
{
  gint64 max_ns = read_sysctl ("/proc/sys/user/max_user_namespaces");

  if (read_sysctl ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
    *remedy = apparmor_remedy ();
  else if (read_sysctl ("/proc/sys/kernel/unprivileged_userns_clone") == 0)
    *remedy = g_strdup ("User namespaces are disabled for ordinary users. Enable them: "
                        "sudo sysctl -w kernel.unprivileged_userns_clone=1 (add it to "
                        "/etc/sysctl.d/ to keep it after a reboot).");
  else if (max_ns == 0 || err == ENOSPC)
    *remedy = g_strdup_printf ("The limit user.max_user_namespaces is %" G_GINT64_FORMAT
                               " here. Raise it: sudo sysctl -w "
                               "user.max_user_namespaces=15000 (add it to /etc/sysctl.d/ to "
                               "keep it after a reboot).", max_ns);
  else
    *remedy = g_strdup ("Something (a container's seccomp policy or a security module) forbids "
                        "user namespaces here. Run Sockscope on the host, or allow the "
                        "unshare system call for it.");

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
               "%s was refused (%s): the lab cannot get a private network.",
               step, strerrorname_np (err) ? strerrorname_np (err) : g_strerror (err));
}

static gboolean
write_file (const char *path,
            const char *contents)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  size_t len = strlen (contents);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = write (fd, contents, len) == (ssize_t) len;
  if (!ok)
    {
      int saved = errno;
      close (fd);
      errno = saved;
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* The lab's lo behaves like an Ethernet link: a 1500-byte MTU and no segmentation offloads, so
 * TCP cuts data into MSS-sized segments (1460 bytes) as on a real network, every segment is a
 * packet of its own in the capture, and libpcap's ring, whose slots are sized by the MTU, holds
 * thousands of frames instead of a few hundred. */
#define LAB_MTU 1500

static void
set_ethtool_flag (int         fd,
                  const char *ifname,
                  guint32     cmd)
{
  struct ethtool_value value = { .cmd = cmd, .data = 0 };
  struct ifreq ifr = { 0 };

  g_strlcpy (ifr.ifr_name, ifname, sizeof ifr.ifr_name);
  ifr.ifr_data = (void *) &value;
  /* Best effort: a kernel without the offload has nothing to turn off. */
  (void) ioctl (fd, SIOCETHTOOL, &ifr);
}

static gboolean
bring_loopback_up (void)
{
  struct ifreq ifr = { 0 };
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  g_strlcpy (ifr.ifr_name, "lo", sizeof ifr.ifr_name);
  ifr.ifr_mtu = LAB_MTU;
  ok = ioctl (fd, SIOCSIFMTU, &ifr) == 0;
  set_ethtool_flag (fd, "lo", ETHTOOL_STSO);
  set_ethtool_flag (fd, "lo", ETHTOOL_SGSO);
  set_ethtool_flag (fd, "lo", ETHTOOL_SGRO);
  memset (&ifr, 0, sizeof ifr);
  g_strlcpy (ifr.ifr_name, "lo", sizeof ifr.ifr_name);
  ok = ok && ioctl (fd, SIOCGIFFLAGS, &ifr) == 0;
  if (ok)
    {
      ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
      ok = ioctl (fd, SIOCSIFFLAGS, &ifr) == 0;
    }
  if (!ok)
    {
      int saved = errno;
      close (fd);
      errno = saved;
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* The kernel's socket tables are global unless a network namespace is created with its own
 * size set in its parent: sock_diag then walks the host's whole TCP table (262,144 buckets,
 * ~2 ms a dump) for a few sockets. The namespace unshared first is ours: set the size of its
 * children's tables there (and in the lab's, for namespaces the lab makes) and move to a child.
 * A kernel before 6.1 (TCP) or 6.2 (UDP) has no such setting: the tables stay global. */
static void
small_socket_tables (void)
{
  if (write_file ("/proc/sys/net/ipv4/tcp_child_ehash_entries", "128") |
      write_file ("/proc/sys/net/ipv4/udp_child_hash_entries", "128"))
    {
      if (unshare (CLONE_NEWNET) != 0)
        return;
      write_file ("/proc/sys/net/ipv4/tcp_child_ehash_entries", "128");
      write_file ("/proc/sys/net/ipv4/udp_child_hash_entries", "128");
    }
}

gboolean
ss_namespace_enter (GError **error,
                    char   **remedy)
{
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  char map[64];

  ss_die_with_parent ();

  if (unshare (CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0)
    {
      explain_refusal (errno, "Creating a user namespace", error, remedy);
      return FALSE;
    }
  /* Changing credentials may clear the parent-death signal: set it again. */
  ss_die_with_parent ();

  g_snprintf (map, sizeof map, "0 %u 1\n", (unsigned) uid);
  if (!write_file ("/proc/self/setgroups", "deny") && errno != ENOENT)
    goto refused_map;
  if (!write_file ("/proc/self/uid_map", map))
    goto refused_map;
  g_snprintf (map, sizeof map, "0 %u 1\n", (unsigned) gid);
  if (!write_file ("/proc/self/gid_map", map))
    goto refused_map;

  small_socket_tables ();
  if (!bring_loopback_up ())
    {
      explain_refusal (errno, "Bringing up the loopback interface", error, remedy);
      return FALSE;
    }
  return TRUE;

refused_map:
  explain_refusal (errno, "Mapping the user into the lab's namespace", error, remedy);
  return FALSE;
}

/* The host's /tmp, opened before the lab's own covers it (ss_namespace_show_host_tmp). */
static int host_tmp_fd = -1;

/* The actors' working directory, for AF_UNIX paths.  A tmpfs over /tmp in the
 * lab's own mount namespace vanishes with the lab, even if it is killed; if
 * that mount is refused, a directory on the host's /tmp is removed at exit. */
char *
ss_namespace_workdir (gboolean  *on_host,
                      GError   **error)
{
  char tmpl[] = "/tmp/sockscope-XXXXXX";
  g_autofree char *host_tmpl = NULL;

  *on_host = FALSE;
  host_tmp_fd = open ("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
      mount ("sockscope", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=16m") == 0 &&
      mkdtemp (tmpl) != NULL)
    return g_strdup (tmpl);

  host_tmpl = g_build_filename (g_get_tmp_dir (), "sockscope-XXXXXX", NULL);
  if (mkdtemp (host_tmpl) == NULL)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the lab's working directory in %s: %s",
                   g_get_tmp_dir (), g_strerror (saved));
      return NULL;
    }
  *on_host = TRUE;
  return g_steal_pointer (&host_tmpl);
}

/* A program a student traces from the host's /tmp (a checkout there, a file saved there, a
 * program built there: cc -o /tmp/prog): the host's /tmp/NAME, the first folder of @path or the
 * file itself, is bound at its own path in the lab's /tmp, so that the program, its arguments
 * and its working directory name the same files inside the lab as outside. Only that: the rest
 * of the host's /tmp stays out of the lab. */
gboolean
ss_namespace_show_host_tmp (const char *path)
{
  g_autofree char *first = NULL;
  g_autofree char *target = NULL;
  g_autofree char *source = NULL;
  const char *slash;
  struct stat st = { 0 };
  int fd;
  gboolean shown;

  if (host_tmp_fd < 0 || path == NULL || !g_str_has_prefix (path, "/tmp/"))
    return FALSE;
  slash = strchr (path + 5, '/');
  first = slash ? g_strndup (path + 5, slash - (path + 5)) : g_strdup (path + 5);
  if (first[0] == '\0' || first[0] == '.' || g_str_has_prefix (first, "sockscope-"))
    return FALSE;
  target = g_build_filename ("/tmp", first, NULL);
  if (g_file_test (target, G_FILE_TEST_EXISTS))
    return TRUE;
  if ((fd = openat (host_tmp_fd, first, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
    return FALSE;
  source = g_strdup_printf ("/proc/self/fd/%d", fd);
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    shown = mkdir (target, 0755) == 0 && mount (source, target, NULL, MS_BIND | MS_REC, NULL) == 0;
  else if (S_ISREG (st.st_mode))
    {
      /* a file: bound over an empty one of its name */
      int empty = open (target, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);

      shown = empty >= 0 && close (empty) == 0 && mount (source, target, NULL, MS_BIND, NULL) == 0;
    }
  else
    shown = FALSE;
  close (fd);
  return shown;
}

void
ss_namespace_remove_workdir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* The lab's own name files, bind-mounted over the host's in its mount
 * namespace: getaddrinfo, gethostbyname and getservbyname in the actors read
 * these (glibc's "files" service), and no lookup ever leaves the lab. */
static const struct
{
  const char *name;
  const char *contents;
} name_files[] = {
  { "hosts",
    "# Sockscope lab: the only names there are.\n"
    "127.0.0.1\tlocalhost server.lab client.lab www.lab\n"
    "::1\tlocalhost ip6-localhost server6.lab\n" },
  { "services", SS_LAB_SERVICES },
  { "nsswitch.conf",
    "# Sockscope lab: names come from the files above, never from a network.\n"
    "hosts:\t\tfiles\n"
    "services:\tfiles\n"
    "networks:\tfiles\n"
    "protocols:\tfiles\n"
    "passwd:\t\tfiles\n"
    "group:\t\tfiles\n" },
};

gboolean
ss_namespace_names (GError **error)
{
  const char *dir = "/tmp/.sockscope-etc";

  if (g_mkdir (dir, 0755) < 0 && errno != EEXIST)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create %s for the lab's /etc/hosts: %s", dir, g_strerror (saved));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (name_files); i++)
    {
      g_autofree char *path = g_build_filename (dir, name_files[i].name, NULL);
      g_autofree char *target = g_build_filename ("/etc", name_files[i].name, NULL);

      if (!g_file_set_contents (path, name_files[i].contents, -1, error))
        return FALSE;
      if (mount (path, target, NULL, MS_BIND, NULL) < 0 ||
          mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Cannot mount the lab's %s over %s: %s", path, target, g_strerror (saved));
          return FALSE;
        }
    }

  /* A host's nscd would answer for the files: make its socket unreachable. */
  if (g_file_test ("/run/nscd/socket", G_FILE_TEST_EXISTS))
    (void) mount ("/dev/null", "/run/nscd/socket", NULL, MS_BIND, NULL);
  return TRUE;
}
