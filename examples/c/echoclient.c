/* echoclient.c: the course's echo client: sends each line of its standard input, prints the echo.
 * usage: ./echoclient host port */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csapp-lite.h"

int
main (int argc, char **argv)
{
  char buf[MAXLINE];
  int clientfd;
  rio_t rio;

  if (argc != 3)
    {
      fprintf (stderr, "usage: %s host port\n", argv[0]);
      return 1;
    }
  if ((clientfd = open_clientfd (argv[1], atoi (argv[2]))) < 0)
    {
      perror ("open_clientfd");
      return 1;
    }
  rio_readinitb (&rio, clientfd);
  while (fgets (buf, MAXLINE, stdin) != NULL)
    {
      rio_writen (clientfd, buf, strlen (buf));
      if (rio_readlineb (&rio, buf, MAXLINE) <= 0)
        break;
      fputs (buf, stdout);
    }
  close (clientfd);
  return 0;
}
