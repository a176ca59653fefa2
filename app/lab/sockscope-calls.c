/* sockscope-calls.c: the catalogue of calls (see sockscope-calls.h). */
#include "sockscope-calls.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#define FD     SS_ARG_FD
#define INT    SS_ARG_INT
#define ADDR   SS_ARG_ADDR
#define DATA   SS_ARG_DATA
#define OPTVAL SS_ARG_OPTVAL
#define STRING SS_ARG_STRING

/* Indexed by SsCallId. */
static const SsCallInfo calls[SS_CALL_N_CALLS] = {
  { "socket", SS_CALL_SOCKET, 3, 3, { INT, INT, INT }, { "domain", "type", "protocol" },
    false, false, true, false, false, false,
    "Create a socket and return its file descriptor." },
  { "socketpair", SS_CALL_SOCKETPAIR, 3, 3, { INT, INT, INT }, { "domain", "type", "protocol" },
    false, false, true, false, false, false,
    "Create two sockets already connected to each other." },
  { "setsockopt", SS_CALL_SETSOCKOPT, 4, 4, { FD, INT, INT, OPTVAL }, { "fd", "level", "name", "value" },
    true, false, false, false, false, false,
    "Set an option of a socket." },
  { "getsockopt", SS_CALL_GETSOCKOPT, 3, 3, { FD, INT, INT }, { "fd", "level", "name" },
    true, false, false, false, false, false,
    "Read an option of a socket." },
  { "fcntl", SS_CALL_FCNTL, 3, 2, { FD, INT, INT }, { "fd", "cmd", "flags" },
    true, false, false, false, false, false,
    "Read or set the file status flags, such as O_NONBLOCK." },
  { "bind", SS_CALL_BIND, 2, 2, { FD, ADDR }, { "fd", "address" },
    true, false, false, false, false, false,
    "Give a socket its local address." },
  { "listen", SS_CALL_LISTEN, 2, 2, { FD, INT }, { "fd", "backlog" },
    true, false, false, false, false, false,
    "Make a socket accept connections, queueing up to backlog of them." },
  { "accept", SS_CALL_ACCEPT, 1, 1, { FD }, { "fd" },
    true, true, true, false, false, true,
    "Take the next connection from the accept queue, waiting if it is empty." },
  { "connect", SS_CALL_CONNECT, 2, 2, { FD, ADDR }, { "fd", "address" },
    true, true, false, false, false, false,
    "Connect a socket to a remote address (TCP: the three-way handshake)." },
  { "send", SS_CALL_SEND, 3, 3, { FD, DATA, INT }, { "fd", "data", "flags" },
    true, true, false, false, false, false,
    "Send bytes on a connected socket." },
  { "recv", SS_CALL_RECV, 3, 3, { FD, INT, INT }, { "fd", "length", "flags" },
    true, true, false, false, false, false,
    "Receive up to length bytes, waiting if none have arrived." },
  { "sendto", SS_CALL_SENDTO, 4, 4, { FD, DATA, INT, ADDR }, { "fd", "data", "flags", "address" },
    true, true, false, false, false, false,
    "Send a datagram to the given address." },
  { "recvfrom", SS_CALL_RECVFROM, 3, 3, { FD, INT, INT }, { "fd", "length", "flags" },
    true, true, false, false, false, true,
    "Receive a datagram and the address it came from." },
  { "shutdown", SS_CALL_SHUTDOWN, 2, 2, { FD, INT }, { "fd", "how" },
    true, false, false, false, false, false,
    "Stop sending (SHUT_WR), receiving (SHUT_RD) or both on a socket." },
  { "close", SS_CALL_CLOSE, 1, 1, { FD }, { "fd" },
    true, false, false, false, false, false,
    "Close the file descriptor; the kernel ends the connection." },
  { "getsockname", SS_CALL_GETSOCKNAME, 1, 1, { FD }, { "fd" },
    true, false, false, false, false, true,
    "Return the local address of a socket." },
  { "getpeername", SS_CALL_GETPEERNAME, 1, 1, { FD }, { "fd" },
    true, false, false, false, false, true,
    "Return the address of the peer a socket is connected to." },
  { "fork", SS_CALL_FORK, 0, 0, { 0 }, { 0 },
    false, false, false, false, true, false,
    "Duplicate the process: the child (a new actor) gets a copy of every socket." },
  { "exit", SS_CALL_EXIT, 1, 1, { INT }, { "status" },
    false, false, false, false, false, false,
    "End the process, closing every socket it still holds; its parent gets SIGCHLD." },
  { "waitpid", SS_CALL_WAITPID, 2, 2, { INT, INT }, { "pid", "options" },
    false, true, false, false, false, false,
    "Wait for a child process to end and collect its exit status." },
  { "pthread_create", SS_CALL_PTHREAD_CREATE, 0, 0, { 0 }, { 0 },
    false, false, false, false, true, false,
    "Start a thread (a new actor) that shares every socket of its process." },
  { "pthread_exit", SS_CALL_PTHREAD_EXIT, 0, 0, { 0 }, { 0 },
    false, false, false, false, false, false,
    "End the calling thread; the sockets stay open in the process." },
  { "pthread_join", SS_CALL_PTHREAD_JOIN, 1, 1, { INT }, { "thread" },
    false, true, false, false, false, false,
    "Wait for a thread to end." },
  { "select", SS_CALL_SELECT, SS_CALL_MAX_ARGS, 1, { FD, FD, FD, FD, FD, FD, FD, FD },
    { "fd", "fd", "fd", "fd", "fd", "fd", "fd", "fd" },
    false, true, false, true, false, false,
    "Wait until at least one of the sockets can be read, and say which ones." },
  { "poll", SS_CALL_POLL, SS_CALL_MAX_ARGS, 1, { FD, FD, FD, FD, FD, FD, FD, FD },
    { "fd", "fd", "fd", "fd", "fd", "fd", "fd", "fd" },
    false, true, false, true, false, false,
    "Wait until at least one of the sockets has an event (POLLIN), and say which ones." },
  { "getaddrinfo", SS_CALL_GETADDRINFO, 2, 2, { STRING, STRING }, { "node", "service" },
    false, false, false, false, false, true,
    "Turn a host name and a service name into socket addresses." },
  { "gethostbyname", SS_CALL_GETHOSTBYNAME, 1, 1, { STRING }, { "name" },
    false, false, false, false, false, true,
    "Look up the IPv4 address of a host name (the older interface)." },
  { "getservbyname", SS_CALL_GETSERVBYNAME, 2, 2, { STRING, STRING }, { "name", "protocol" },
    false, false, false, false, false, false,
    "Look up the port number of a service name, such as \"http\"." },
  { "htons", SS_CALL_HTONS, 1, 1, { INT }, { "value" },
    false, false, false, false, false, false,
    "Put a 16-bit number in network byte order (big-endian)." },
  { "htonl", SS_CALL_HTONL, 1, 1, { INT }, { "value" },
    false, false, false, false, false, false,
    "Put a 32-bit number in network byte order (big-endian)." },
  { "ntohs", SS_CALL_NTOHS, 1, 1, { INT }, { "value" },
    false, false, false, false, false, false,
    "Read a 16-bit number from network byte order." },
  { "ntohl", SS_CALL_NTOHL, 1, 1, { INT }, { "value" },
    false, false, false, false, false, false,
    "Read a 32-bit number from network byte order." },
};

/* Every constant the lab understands: the checker refuses any other name. */
static const SsConstant constants[] = {
  { "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 }, { "AF_UNIX", AF_UNIX },
  { "AF_LOCAL", AF_UNIX }, { "PF_INET", PF_INET }, { "PF_INET6", PF_INET6 },
  { "PF_UNIX", PF_UNIX },
  { "SOCK_STREAM", SOCK_STREAM }, { "SOCK_DGRAM", SOCK_DGRAM },
  { "SOCK_NONBLOCK", SOCK_NONBLOCK }, { "SOCK_CLOEXEC", SOCK_CLOEXEC },
  { "SOL_SOCKET", SOL_SOCKET }, { "IPPROTO_IP", IPPROTO_IP },
  { "IPPROTO_TCP", IPPROTO_TCP }, { "IPPROTO_UDP", IPPROTO_UDP },
  { "IPPROTO_IPV6", IPPROTO_IPV6 },
  { "SO_REUSEADDR", SO_REUSEADDR }, { "SO_REUSEPORT", SO_REUSEPORT },
  { "SO_LINGER", SO_LINGER }, { "SO_RCVBUF", SO_RCVBUF }, { "SO_SNDBUF", SO_SNDBUF },
  { "SO_KEEPALIVE", SO_KEEPALIVE }, { "SO_ERROR", SO_ERROR }, { "SO_TYPE", SO_TYPE },
  { "SO_RCVTIMEO", SO_RCVTIMEO }, { "SO_SNDTIMEO", SO_SNDTIMEO },
  { "TCP_NODELAY", TCP_NODELAY }, { "IPV6_V6ONLY", IPV6_V6ONLY },
  { "MSG_PEEK", MSG_PEEK }, { "MSG_WAITALL", MSG_WAITALL },
  { "MSG_DONTWAIT", MSG_DONTWAIT }, { "MSG_TRUNC", MSG_TRUNC },
  { "MSG_NOSIGNAL", MSG_NOSIGNAL },
  { "SHUT_RD", SHUT_RD }, { "SHUT_WR", SHUT_WR }, { "SHUT_RDWR", SHUT_RDWR },
  { "F_GETFL", F_GETFL }, { "F_SETFL", F_SETFL }, { "O_NONBLOCK", O_NONBLOCK },
  { "INADDR_ANY", INADDR_ANY }, { "WNOHANG", WNOHANG },
};

const SsConstant *
ss_constant_lookup (const char *name)
{
  if (name == NULL)
    return NULL;

  for (unsigned i = 0; i < sizeof constants / sizeof constants[0]; i++)
    if (strcmp (constants[i].name, name) == 0)
      return &constants[i];

  return NULL;
}

const SsConstant *
ss_constants (unsigned *n_constants)
{
  *n_constants = sizeof constants / sizeof constants[0];
  return constants;
}

const SsCallInfo *
ss_call_lookup (const char *name)
{
  if (name == NULL)
    return NULL;

  for (unsigned i = 0; i < SS_CALL_N_CALLS; i++)
    if (strcmp (calls[i].name, name) == 0)
      return &calls[i];

  return NULL;
}

const SsCallInfo *
ss_call_info (SsCallId id)
{
  if ((unsigned) id >= SS_CALL_N_CALLS)
    return NULL;

  return &calls[id];
}

const char *
ss_arg_kind_name (SsArgKind kind)
{
  switch (kind)
    {
    case SS_ARG_FD:     return "fd";
    case SS_ARG_INT:    return "int";
    case SS_ARG_ADDR:   return "address";
    case SS_ARG_DATA:   return "data";
    case SS_ARG_OPTVAL: return "optval";
    case SS_ARG_STRING: return "string";
    default:            return "unknown";
    }
}
