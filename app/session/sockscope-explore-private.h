/* sockscope-explore-private.h: what the explore model and its lesson writer share. */
#pragma once

#include "sockscope-explore.h"

G_BEGIN_DECLS

typedef struct
{
  char    *name;
  char    *label_en;
  char    *label_fr;
  char    *role;
  char    *parent;      /* the actor whose fork or pthread_create made it, or NULL */
  gboolean thread;
  guint    created_by;  /* that step's number, or 0 */
  char    *host;        /* "a" or "b" on two hosts, else NULL */
} SockscopeExploreActor;

typedef struct
{
  char        *actor;
  char        *call;      /* the step as written after "actor: " */
  char        *line;      /* "actor: call" */
  char        *text_en;   /* a lesson's own texts (go on from), or NULL: described from the log */
  char        *text_fr;
  char        *loop;
  SockscopeAsk ask;
  char        *choices;   /* "A | B", or NULL */
  char       **wire;      /* its `wire:` lines, or NULL */
} SockscopeExploreStep;

GPtrArray *sockscope_explore_actor_list (SockscopeExplore *self);
/* Two hosts (from a lesson on two hosts): their names, else NULL; the lesson's top-level wire. */
const char *sockscope_explore_host_name  (SockscopeExplore *self,
                                          guint             index);
const char * const *sockscope_explore_wire (SockscopeExplore *self);
GPtrArray *sockscope_explore_step_list  (SockscopeExplore *self);

/* The text of a lesson of @actors and @steps. A step with no text of its own is described from
 * the log when its number is at most @n_described, else its text is the call as written.
 * @for_file: the comments for the teacher, an id and a title worth keeping. */
char      *sockscope_explore_write_text (SockscopeExplore *self,
                                         GPtrArray        *actors,
                                         GPtrArray        *steps,
                                         guint             n_described,
                                         const char       *id,
                                         const char       *title,
                                         gboolean          for_file);

G_END_DECLS
