/* sockscope-calls.h: the catalogue of calls a lesson step can make.
 *
 * Plain C data, no GLib: the lab uses it to run a call, the session layer to
 * check a lesson without starting a lab.
 */
#pragma once

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  SS_CALL_SOCKET,
  SS_CALL_SOCKETPAIR,
  SS_CALL_SETSOCKOPT,
  SS_CALL_GETSOCKOPT,
  SS_CALL_FCNTL,
  SS_CALL_BIND,
  SS_CALL_LISTEN,
  SS_CALL_ACCEPT,
  SS_CALL_CONNECT,
  SS_CALL_SEND,
  SS_CALL_RECV,
  SS_CALL_SENDTO,
  SS_CALL_RECVFROM,
  SS_CALL_SHUTDOWN,
  SS_CALL_CLOSE,
  SS_CALL_GETSOCKNAME,
  SS_CALL_GETPEERNAME,
  /* processes and threads: each child or thread becomes an actor of its own */
  SS_CALL_FORK,
  SS_CALL_EXIT,
  SS_CALL_WAITPID,
  SS_CALL_PTHREAD_CREATE,
  SS_CALL_PTHREAD_EXIT,
  SS_CALL_PTHREAD_JOIN,
  /* multiplexing */
  SS_CALL_SELECT,
  SS_CALL_POLL,
  /* names and services, from the lab's own /etc/hosts and /etc/services */
  SS_CALL_GETADDRINFO,
  SS_CALL_GETHOSTBYNAME,
  SS_CALL_GETSERVBYNAME,
  /* byte order: computed by the actor, no syscall */
  SS_CALL_HTONS,
  SS_CALL_HTONL,
  SS_CALL_NTOHS,
  SS_CALL_NTOHL,
  SS_CALL_N_CALLS
} SsCallId;

typedef enum
{
  SS_ARG_FD,      /* a socket variable (s, c, sp[0]) or an fd number */
  SS_ARG_INT,     /* an integer, a variable, or constants OR'ed with | */
  SS_ARG_ADDR,    /* 127.0.0.1:7777, [::1]:7777, *:7777, or "name.sock" */
  SS_ARG_DATA,    /* a C string literal: "hello\n" */
  SS_ARG_OPTVAL,  /* an integer or a {onoff, linger} pair */
  SS_ARG_STRING,  /* a C string literal naming a host or a service: "www.lab" */
} SsArgKind;

/* recv and recvfrom read at most this many bytes a call; send takes up to SS_CALL_SEND_MAX
 * (`"x" * 100000`). The lab and the lesson checker both hold lessons to these. */
#define SS_CALL_RECV_MAX 65536
#define SS_CALL_SEND_MAX (16 << 20)

/* select (a, b, c...) and poll take up to this many sockets. */
#define SS_CALL_MAX_ARGS 8

typedef struct
{
  const char *name;
  SsCallId    id;
  unsigned    n_args;        /* arguments the call takes (at most) */
  unsigned    n_args_min;    /* fewer are accepted: fcntl (fd, F_GETFL) */
  SsArgKind   arg_kinds[SS_CALL_MAX_ARGS];
  const char *arg_names[SS_CALL_MAX_ARGS];
  bool        acts_on_fd;    /* argument 0 is the socket the call acts on */
  bool        can_block;
  bool        creates_fd;    /* the result (or out.fds) is a new socket */
  bool        variadic;      /* the last kind repeats, up to n_args arguments */
  bool        new_actor;     /* `-> name` names the actor it creates (fork, pthread_create) */
  bool        returns_addr;  /* `-> name` keeps the address it returns */
  const char *description;
} SsCallInfo;

/* The lab's /etc/services (getservbyname in the actors reads it; the questions too). */
#define SS_LAB_SERVICES \
  "# Sockscope lab: a teaching subset of /etc/services.\n" \
  "echo\t\t7/tcp\n" \
  "echo\t\t7/udp\n" \
  "daytime\t\t13/tcp\n" \
  "daytime\t\t13/udp\n" \
  "ftp\t\t21/tcp\n" \
  "ssh\t\t22/tcp\n" \
  "smtp\t\t25/tcp\t\tmail\n" \
  "domain\t\t53/tcp\n" \
  "domain\t\t53/udp\n" \
  "http\t\t80/tcp\t\twww\n" \
  "pop3\t\t110/tcp\t\tpop-3\n" \
  "imap\t\t143/tcp\t\timap2\n" \
  "https\t\t443/tcp\n" \
  "sockscope\t7777/tcp\n" \
  "bonjour\t\t65432/tcp\n"

/* A name a lesson may write for a number: AF_INET, SOCK_DGRAM, SO_RCVBUF, MSG_WAITALL... */
typedef struct
{
  const char *name;
  int         value;
} SsConstant;

const SsCallInfo *ss_call_lookup     (const char *name);
const SsConstant *ss_constant_lookup (const char *name);
const SsConstant *ss_constants       (unsigned   *n_constants);
const SsCallInfo *ss_call_info       (SsCallId    id);
const char       *ss_arg_kind_name   (SsArgKind   kind);

#ifdef __cplusplus
}
#endif
