/* sockscope-legacy-ends.h: the ends of each packet in a session recorded before the lab named
 * them (session format 1). Read once, on load: each packet event gains the `from`/`to` members
 * the lab writes today (and its `analysis`, named from its bytes), each orphaned socket's state
 * its `last_actor`, so that every view reads one kind of log. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SockscopeLegacyEnds SockscopeLegacyEnds;

SockscopeLegacyEnds *sockscope_legacy_ends_new     (void);
void                 sockscope_legacy_ends_free    (SockscopeLegacyEnds *self);
/* Feeds the next event line of the session; returns it with the members it lacked, or NULL
 * when it needs none (or is not an event this reads). */
char                *sockscope_legacy_ends_rewrite (SockscopeLegacyEnds *self,
                                                    const char          *line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SockscopeLegacyEnds, sockscope_legacy_ends_free)

G_END_DECLS
