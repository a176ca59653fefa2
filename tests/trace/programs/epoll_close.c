/* Each epoll's close is shown, whatever comes between its epoll_create and its close: nothing
 * (as Python's import socket does), an untraced call, another traced call, a number that had a
 * socket's filter before. Traced by tests/trace/test_calls.py. */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
  int ep = epoll_create1(0);                    /* 3 */
  close(ep);                                    /* at once */
  ep = epoll_create1(0);                        /* 3 */
  getpid();                                     /* untraced calls between */
  getppid();
  close(ep);
  int s = socket(AF_INET, SOCK_DGRAM, 0);       /* 3: the number had no filter so far */
  ep = epoll_create1(EPOLL_CLOEXEC);            /* 4 */
  close(s);                                     /* another fd's close: traced */
  int ep2 = epoll_create(1);                    /* 3: a socket's number, filtered already */
  close(ep2);
  close(ep);
  return 0;
}
