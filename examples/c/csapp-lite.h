/* csapp-lite.h: the few wrappers of the course's csapp library the echo examples use, written
 * for Sockscope (open_listenfd, open_clientfd, rio_writen, rio_readlineb). */
#pragma once
#include <sys/types.h>

#define MAXLINE 8192

typedef struct
{
  int     fd;
  ssize_t cnt;      /* unread bytes in buf */
  char   *bufptr;
  char    buf[MAXLINE];
} rio_t;

int     open_listenfd (int port);
int     open_clientfd (const char *hostname, int port);
void    rio_readinitb (rio_t *rp, int fd);
ssize_t rio_readlineb (rio_t *rp, char *usrbuf, size_t maxlen);
ssize_t rio_writen    (int fd, const char *usrbuf, size_t n);
