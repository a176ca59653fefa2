/* sockscope-calls.c: the catalogue of calls (see sockscope-calls.h). */
#include "sockscope-calls.h"

#include <string.h>

#define FD     SS_ARG_FD
#define INT    SS_ARG_INT
#define ADDR   SS_ARG_ADDR
#define DATA   SS_ARG_DATA
#define OPTVAL SS_ARG_OPTVAL

/* Indexed by SsCallId. */
static const SsCallInfo calls[SS_CALL_N_CALLS] = {
  { "socket", SS_CALL_SOCKET, 3, 3, { INT, INT, INT }, { "domain", "type", "protocol" },
    false, false, true, "Create a socket and return its file descriptor." },
  { "socketpair", SS_CALL_SOCKETPAIR, 3, 3, { INT, INT, INT }, { "domain", "type", "protocol" },
    false, false, true, "Create two sockets already connected to each other." },
  { "setsockopt", SS_CALL_SETSOCKOPT, 4, 4, { FD, INT, INT, OPTVAL }, { "fd", "level", "name", "value" },
    true, false, false, "Set an option of a socket." },
  { "getsockopt", SS_CALL_GETSOCKOPT, 3, 3, { FD, INT, INT }, { "fd", "level", "name" },
    true, false, false, "Read an option of a socket." },
  { "fcntl", SS_CALL_FCNTL, 3, 2, { FD, INT, INT }, { "fd", "cmd", "flags" },
    true, false, false, "Read or set the file status flags, such as O_NONBLOCK." },
  { "bind", SS_CALL_BIND, 2, 2, { FD, ADDR }, { "fd", "address" },
    true, false, false, "Give a socket its local address." },
  { "listen", SS_CALL_LISTEN, 2, 2, { FD, INT }, { "fd", "backlog" },
    true, false, false, "Make a socket accept connections, queueing up to backlog of them." },
  { "accept", SS_CALL_ACCEPT, 1, 1, { FD }, { "fd" },
    true, true, true, "Take the next connection from the accept queue, waiting if it is empty." },
  { "connect", SS_CALL_CONNECT, 2, 2, { FD, ADDR }, { "fd", "address" },
    true, true, false, "Connect a socket to a remote address (TCP: the three-way handshake)." },
  { "send", SS_CALL_SEND, 3, 3, { FD, DATA, INT }, { "fd", "data", "flags" },
    true, true, false, "Send bytes on a connected socket." },
  { "recv", SS_CALL_RECV, 3, 3, { FD, INT, INT }, { "fd", "length", "flags" },
    true, true, false, "Receive up to length bytes, waiting if none have arrived." },
  { "sendto", SS_CALL_SENDTO, 4, 4, { FD, DATA, INT, ADDR }, { "fd", "data", "flags", "address" },
    true, true, false, "Send a datagram to the given address." },
  { "recvfrom", SS_CALL_RECVFROM, 3, 3, { FD, INT, INT }, { "fd", "length", "flags" },
    true, true, false, "Receive a datagram and the address it came from." },
  { "shutdown", SS_CALL_SHUTDOWN, 2, 2, { FD, INT }, { "fd", "how" },
    true, false, false, "Stop sending (SHUT_WR), receiving (SHUT_RD) or both on a socket." },
  { "close", SS_CALL_CLOSE, 1, 1, { FD }, { "fd" },
    true, false, false, "Close the file descriptor; the kernel ends the connection." },
  { "getsockname", SS_CALL_GETSOCKNAME, 1, 1, { FD }, { "fd" },
    true, false, false, "Return the local address of a socket." },
  { "getpeername", SS_CALL_GETPEERNAME, 1, 1, { FD }, { "fd" },
    true, false, false, "Return the address of the peer a socket is connected to." },
};

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
    default:            return "unknown";
    }
}
