/* csapp-lite.c: see csapp-lite.h. */
#include "csapp-lite.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
open_listenfd (int port)
{
  struct sockaddr_in serveraddr;
  int listenfd, optval = 1;

  if ((listenfd = socket (AF_INET, SOCK_STREAM, 0)) < 0)
    return -1;
  /* no "Address already in use" when the server is started again */
  if (setsockopt (listenfd, SOL_SOCKET, SO_REUSEADDR, &optval, sizeof optval) < 0)
    return -1;
  memset (&serveraddr, 0, sizeof serveraddr);
  serveraddr.sin_family = AF_INET;
  serveraddr.sin_addr.s_addr = htonl (INADDR_ANY);
  serveraddr.sin_port = htons ((unsigned short) port);
  if (bind (listenfd, (struct sockaddr *) &serveraddr, sizeof serveraddr) < 0)
    return -1;
  if (listen (listenfd, 1024) < 0)
    return -1;
  return listenfd;
}

int
open_clientfd (const char *hostname, int port)
{
  struct sockaddr_in serveraddr;
  struct hostent *hp;
  int clientfd;

  if ((clientfd = socket (AF_INET, SOCK_STREAM, 0)) < 0)
    return -1;
  if ((hp = gethostbyname (hostname)) == NULL)
    return -2;
  memset (&serveraddr, 0, sizeof serveraddr);
  serveraddr.sin_family = AF_INET;
  memcpy (&serveraddr.sin_addr.s_addr, hp->h_addr_list[0], (size_t) hp->h_length);
  serveraddr.sin_port = htons ((unsigned short) port);
  if (connect (clientfd, (struct sockaddr *) &serveraddr, sizeof serveraddr) < 0)
    return -1;
  return clientfd;
}

void
rio_readinitb (rio_t *rp, int fd)
{
  rp->fd = fd;
  rp->cnt = 0;
  rp->bufptr = rp->buf;
}

/* One read() fills the buffer; lines are taken from it. */
static ssize_t
rio_read (rio_t *rp, char *usrbuf, size_t n)
{
  size_t cnt;

  while (rp->cnt <= 0)
    {
      rp->cnt = read (rp->fd, rp->buf, sizeof rp->buf);
      if (rp->cnt < 0 && errno != EINTR)
        return -1;
      if (rp->cnt == 0)
        return 0;
      if (rp->cnt > 0)
        rp->bufptr = rp->buf;
    }
  cnt = n < (size_t) rp->cnt ? n : (size_t) rp->cnt;
  memcpy (usrbuf, rp->bufptr, cnt);
  rp->bufptr += cnt;
  rp->cnt -= (ssize_t) cnt;
  return (ssize_t) cnt;
}

ssize_t
rio_readlineb (rio_t *rp, char *usrbuf, size_t maxlen)
{
  size_t n;
  char c, *bufp = usrbuf;

  for (n = 1; n < maxlen; n++)
    {
      ssize_t rc = rio_read (rp, &c, 1);

      if (rc == 1)
        {
          *bufp++ = c;
          if (c == '\n')
            break;
        }
      else if (rc == 0 && n == 1)
        return 0;
      else if (rc == 0)
        break;
      else
        return -1;
    }
  *bufp = '\0';
  return (ssize_t) n;
}

ssize_t
rio_writen (int fd, const char *usrbuf, size_t n)
{
  size_t left = n;

  while (left > 0)
    {
      ssize_t w = write (fd, usrbuf, left);

      if (w <= 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return -1;
      left -= (size_t) w;
      usrbuf += w;
    }
  return (ssize_t) n;
}
