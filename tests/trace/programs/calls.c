/* Every socket-related call the course examples do not make, once each (tests/trace/test_calls.py). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

int main(void)
{
  int sp[2];
  char buf[100];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
  struct iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };
  writev(sp[0], iov, 2);
  char b1[2], b2[10];
  struct iovec riov[2] = { { b1, 2 }, { b2, 10 } };
  readv(sp[1], riov, 2);
  int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9000) };
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  bind(u2, (struct sockaddr *) &a, sizeof a);
  connect(u1, (struct sockaddr *) &a, sizeof a);
  struct mmsghdr mm[2];
  struct iovec mi[2] = { { "one", 3 }, { "two!", 4 } };
  memset(mm, 0, sizeof mm);
  mm[0].msg_hdr.msg_iov = &mi[0]; mm[0].msg_hdr.msg_iovlen = 1;
  mm[1].msg_hdr.msg_iov = &mi[1]; mm[1].msg_hdr.msg_iovlen = 1;
  sendmmsg(u1, mm, 2, 0);
  char r1[10], r2[10];
  struct iovec ri[2] = { { r1, 10 }, { r2, 10 } };
  struct mmsghdr rm[2];
  memset(rm, 0, sizeof rm);
  rm[0].msg_hdr.msg_iov = &ri[0]; rm[0].msg_hdr.msg_iovlen = 1;
  rm[1].msg_hdr.msg_iov = &ri[1]; rm[1].msg_hdr.msg_iovlen = 1;
  recvmmsg(u2, rm, 2, MSG_DONTWAIT, NULL);
  int v; socklen_t vl = sizeof v;
  getsockopt(u2, SOL_SOCKET, SO_RCVBUF, &v, &vl);
  struct sockaddr_in p; socklen_t pl = sizeof p;
  getpeername(u1, (struct sockaddr *) &p, &pl);
  int fl = fcntl(u1, F_GETFL);
  fcntl(u1, F_SETFL, fl | O_NONBLOCK);
  recv(u1, buf, sizeof buf, 0);   /* EAGAIN */
  int on = 1, queued = 0;
  ioctl(u2, FIONBIO, &on);        /* as Python's setblocking(False) */
  ioctl(u2, FIONREAD, &queued);   /* not traced */
  fd_set rs; FD_ZERO(&rs); FD_SET(sp[1], &rs); FD_SET(u2, &rs);
  struct timeval tv = { 0, 1000 };
  select(u2 + 1, &rs, NULL, NULL, &tv);
  struct timespec ts = { 0, 1000000 };
  FD_ZERO(&rs); FD_SET(u2, &rs);
  pselect(u2 + 1, &rs, NULL, NULL, &ts, NULL);
  fd_set ws; FD_ZERO(&ws); FD_SET(u1, &ws);
  select(u1 + 1, NULL, &ws, NULL, &tv);     /* a connected UDP socket: writable */
  struct pollfd pf[3] = { { -1, POLLIN, 0 }, { sp[1], POLLIN, 0 }, { u2, POLLIN, 0 } };  /* -1: ignored, as nc does */
  write(sp[0], "x", 1);
  poll(pf, 3, 10);
  ppoll(pf, 3, &ts, NULL);
  send(u1, "y", 1, 0);            /* u2 readable too */
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = sp[1] };
  epoll_ctl(ep, EPOLL_CTL_ADD, sp[1], &ev);
  /* u2's data is not its fd: the tracer finds the fd in the kernel's list of the epoll's items */
  struct epoll_event ev2 = { .events = EPOLLIN, .data.u64 = 0x5eed5eed5eedULL };
  epoll_ctl(ep, EPOLL_CTL_ADD, u2, &ev2);
  ev.events = EPOLLIN | EPOLLRDHUP;
  epoll_ctl(ep, EPOLL_CTL_MOD, sp[1], &ev);
  struct epoll_event out[4];
  epoll_wait(ep, out, 4, 10);     /* sp[1] holds the "x" written before poll */
  /* the old API, and two sockets registered with the same data: which one is ready is unknown */
  int ep2 = epoll_create(1);
  struct epoll_event same = { .events = EPOLLIN, .data.u64 = 0 };
  epoll_ctl(ep2, EPOLL_CTL_ADD, sp[1], &same);
  epoll_ctl(ep2, EPOLL_CTL_ADD, u2, &same);
  sigset_t none;
  sigemptyset(&none);
  epoll_pwait(ep2, out, 4, 10, &none);
  close(ep2);
  epoll_create1(10);               /* epoll_create's size given to epoll_create1: EINVAL */
  epoll_ctl(ep, EPOLL_CTL_DEL, u2, NULL);
  shutdown(sp[0], SHUT_WR);
  pid_t c = vfork();
  if (c == 0) _exit(3);
  int st; waitpid(c, &st, 0);
  close(sp[0]); close(sp[1]); close(u1); close(u2); close(ep);
  return 0;
}
