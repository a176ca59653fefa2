/* echoserveri.c: the course's iterative echo server, on the csapp-style wrappers.
 * usage: ./echoserveri port     (build: make, or cc -g -o echoserveri echoserveri.c csapp-lite.c) */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "csapp-lite.h"

static void
echo (int connfd)
{
  char buf[MAXLINE];
  ssize_t n;
  rio_t rio;

  rio_readinitb (&rio, connfd);
  while ((n = rio_readlineb (&rio, buf, MAXLINE)) > 0)
    {
      printf ("server received %zd bytes\n", n);
      rio_writen (connfd, buf, (size_t) n);
    }
}

int
main (int argc, char **argv)
{
  struct sockaddr_in clientaddr;
  socklen_t clientlen;
  int listenfd, connfd, clients = argc > 2 ? atoi (argv[2]) : -1;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s port [clients]\n", argv[0]);
      return 1;
    }
  if ((listenfd = open_listenfd (atoi (argv[1]))) < 0)
    {
      perror ("open_listenfd");
      return 1;
    }
  for (; clients != 0; clients--)
    {
      char host[INET_ADDRSTRLEN];

      clientlen = sizeof clientaddr;
      connfd = accept (listenfd, (struct sockaddr *) &clientaddr, &clientlen);
      if (connfd < 0)
        continue;
      inet_ntop (AF_INET, &clientaddr.sin_addr, host, sizeof host);
      printf ("server connected to %s:%d\n", host, ntohs (clientaddr.sin_port));
      echo (connfd);
      close (connfd);
    }
  close (listenfd);
  return 0;
}
