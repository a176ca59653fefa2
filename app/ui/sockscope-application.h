/* sockscope-application.h: the desktop app (AdwApplication). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SOCKSCOPE_TYPE_APPLICATION (sockscope_application_get_type ())
G_DECLARE_FINAL_TYPE (SockscopeApplication, sockscope_application, SOCKSCOPE, APPLICATION, AdwApplication)

SockscopeApplication *sockscope_application_new             (void);
int                   sockscope_application_get_exit_status (SockscopeApplication *self);

G_END_DECLS
