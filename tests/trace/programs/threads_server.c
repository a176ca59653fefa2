/* threads_server.c: two threads, each opens a UDP socket, binds it and closes it; the main
 * thread holds a TCP socket while it waits for them. Each call's line ends with a comment that
 * names it (test_source.py checks each traced call's line by it). */
#include <arpa/inet.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void *
worker (void *arg)
{
  int port = *(int *) arg;
  struct sockaddr_in a;
  int s = socket (AF_INET, SOCK_DGRAM, 0);                /* worker socket */

  memset (&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons ((unsigned short) port);
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  bind (s, (struct sockaddr *) &a, sizeof a);             /* worker bind */
  close (s);                                              /* worker close */
  return NULL;
}

int
main (void)
{
  pthread_t t[2];
  int ports[2] = { 7781, 7782 };
  int s = socket (AF_INET, SOCK_STREAM, 0);               /* main socket */

  for (int i = 0; i < 2; i++)
    pthread_create (&t[i], NULL, worker, &ports[i]);      /* main start */
  for (int i = 0; i < 2; i++)
    pthread_join (t[i], NULL);
  close (s);                                              /* main close */
  return 0;
}
