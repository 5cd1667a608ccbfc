/* hangar-test-notify.c — a desktop notification server on the test's bus
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "hangar-test-notify.h"

#include "hangar-test-wait.h"

static const char server_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "  </interface>"
  "</node>";

typedef struct
{
  GDBusConnection *connection;
  guint            registration;
  guint            owner;
  gboolean         owned;
  GPtrArray       *notes;      /* HangarTestNote, in arrival order */
  guint            n_closed;
  guint32          next_id;
} Server;

static Server server;

static void
note_free (gpointer data)
{
  HangarTestNote *note = data;

  g_free (note->title);
  g_free (note->body);
  g_strfreev (note->actions);
  g_free (note->desktop_entry);
  g_free (note);
}

static void
server_method_cb (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *path,
                  const char            *interface,
                  const char            *method,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  if (g_str_equal (method, "Notify"))
    {
      HangarTestNote *note = g_new0 (HangarTestNote, 1);
      g_autoptr(GVariant) hints = NULL;
      const char *app_name, *icon;

      g_variant_get (parameters, "(&su&sss^as@a{sv}i)", &app_name, &note->replaces_id, &icon,
                     &note->title, &note->body, &note->actions, &hints, NULL);
      g_variant_lookup (hints, "desktop-entry", "s", &note->desktop_entry);
      note->id = note->replaces_id != 0 ? note->replaces_id : ++server.next_id;
      g_ptr_array_add (server.notes, note);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", note->id));
    }
  else if (g_str_equal (method, "CloseNotification"))
    {
      server.n_closed++;
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "test", "hangar", "1", "1.2"));
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  server.owned = TRUE;
}

void
hangar_test_notify_start (void)
{
  static const GDBusInterfaceVTable vtable = { server_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (server_xml, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);

  g_assert_no_error (error);
  server.notes = g_ptr_array_new_with_free_func (note_free);
  server.connection = g_dbus_connection_new_for_address_sync (address,
                                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                              NULL, NULL, &error);
  g_assert_no_error (error);
  server.registration = g_dbus_connection_register_object (server.connection, "/org/freedesktop/Notifications",
                                                           info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  server.owner = g_bus_own_name_on_connection (server.connection, "org.freedesktop.Notifications",
                                               G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired_cb, NULL, NULL, NULL);
  hangar_test_wait_until (hangar_test_flag_is_set, &server.owned, "the notification server's name");
}

void
hangar_test_notify_invoke (guint32     id,
                           const char *action)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (server.connection, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", id, action), &error);
  g_assert_no_error (error);
}

static gboolean
notes_reached (gpointer data)
{
  return server.notes->len >= GPOINTER_TO_UINT (data);
}

HangarTestNote *
hangar_test_notify_wait (guint n)
{
  hangar_test_wait_until (notes_reached, GUINT_TO_POINTER (n), "a desktop notification");
  g_assert_cmpuint (server.notes->len, ==, n);
  return g_ptr_array_index (server.notes, n - 1);
}

guint
hangar_test_notify_count (void)
{
  return server.notes != NULL ? server.notes->len : 0;
}

guint
hangar_test_notify_closed (void)
{
  return server.n_closed;
}
