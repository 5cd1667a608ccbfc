/* hangar-record-grid-cursor.c — the cell cursor, ranges of cells, the keys
 * and clicks on cells, and the context menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hangar-cell-value.h"
#include "hangar-record-grid-private.h"

/* GTK 4.8's column view selects rows; it has no notion of a cell. The grid
 * keeps a cell cursor (row, field) and a range's anchor, draws them as CSS
 * classes on the bound cells (HangarGridCells), and takes the keys a
 * spreadsheet takes before the view sees them: arrows move the cursor
 * (Shift grows a range), Enter or F2 edits, a printable key starts editing
 * with it, Tab moves right, Space toggles a checkbox or expands the record
 * (Shift+Space always expands), Delete and Backspace clear. Clicks only set
 * the cursor: the view keeps selecting rows (Shift, Ctrl, Ctrl+A) as it
 * does.
 *
 * Keys pressed while a cell editor is opening, before its keyboard widget
 * is on screen (a loaded machine, a quick typist), reach the grid: they
 * wait in order and are replayed through the editor once it maps, and
 * those it no longer takes (after an Enter that committed) through the
 * grid again. */

#define DEFAULT_ROW_HEIGHT 34

typedef struct
{
  guint           keyval;
  GdkModifierType state;
} EarlyKey;

/* ---- columns ---- */

GPtrArray *
_hangar_record_grid_visible_fields (HangarRecordGrid *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);
  GPtrArray *fields = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      HangarField *field = g_object_get_data (G_OBJECT (column), "hangar-field");

      if (field != NULL && gtk_column_view_column_get_visible (column))
        g_ptr_array_add (fields, field);
    }
  return fields;
}

void
_hangar_record_grid_columns_changed (HangarRecordGrid *self)
{
  g_clear_pointer (&self->column_order, g_hash_table_unref);
  if (self->cells != NULL)
    hangar_grid_cells_redecorate (self->cells);
}

/* The on-screen index of @field among the visible columns, or -1. */
static int
column_index (HangarRecordGrid *self,
              HangarField      *field)
{
  if (field == NULL)
    return -1;
  if (self->column_order == NULL)
    {
      g_autoptr(GPtrArray) fields = _hangar_record_grid_visible_fields (self);

      self->column_order = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < fields->len; i++)
        g_hash_table_insert (self->column_order, g_ptr_array_index (fields, i), GUINT_TO_POINTER (i + 1));
    }
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->column_order, field)) - 1;
}

static gboolean
has_range (HangarRecordGrid *self)
{
  return self->cursor_row != G_MAXUINT &&
         (self->anchor_row != self->cursor_row || self->anchor_field != self->cursor_field);
}

static gboolean
in_range (HangarRecordGrid *self,
          guint             row,
          HangarField      *field)
{
  int c, c0, c1;

  if (!has_range (self))
    return FALSE;
  if (row < MIN (self->anchor_row, self->cursor_row) || row > MAX (self->anchor_row, self->cursor_row))
    return FALSE;
  c = column_index (self, field);
  c0 = column_index (self, self->anchor_field);
  c1 = column_index (self, self->cursor_field);
  return c >= MIN (c0, c1) && c <= MAX (c0, c1);
}

/* ---- decorations ---- */

static guint
decorate_cb (gpointer      user_data,
             guint         position,
             HangarRecord *record,
             HangarField  *field)
{
  HangarRecordGrid *self = user_data;
  const char *id = hangar_record_get_id (record);
  HangarChangeState state;
  gboolean conflict = FALSE;
  guint flags = 0;

  if (position == self->cursor_row && field == self->cursor_field)
    flags |= HANGAR_GRID_CELL_CURSOR;
  else if (in_range (self, position, field))
    flags |= HANGAR_GRID_CELL_RANGE;
  if (hangar_grid_model_is_add_row (record))
    return flags;
  if (hangar_journal_is_local_id (id))
    flags |= HANGAR_GRID_CELL_NEW_ROW;
  if (self->journal != NULL &&
      hangar_journal_get_cell_state (self->journal, id, hangar_field_get_name (field), &state, &conflict))
    {
      if (conflict)
        flags |= HANGAR_GRID_CELL_CONFLICT;
      switch (state)
        {
        case HANGAR_CHANGE_PENDING:
          flags |= HANGAR_GRID_CELL_PENDING;
          break;
        case HANGAR_CHANGE_SENDING:
          flags |= HANGAR_GRID_CELL_SENDING;
          break;
        case HANGAR_CHANGE_FAILED:
          flags |= HANGAR_GRID_CELL_FAILED;
          break;
        case HANGAR_CHANGE_UNCERTAIN:
          flags |= HANGAR_GRID_CELL_UNCERTAIN;
          break;
        case HANGAR_CHANGE_WRITTEN:
        default:
          break;
        }
    }
  return flags;
}

/* ---- scrolling ---- */

static GtkWidget *
inner_list_view (HangarRecordGrid *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

static int
header_height (HangarRecordGrid *self)
{
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));

  if (header != NULL && g_strcmp0 (gtk_widget_get_css_name (header), "header") == 0)
    return gtk_widget_get_height (header);
  return 0;
}

static GtkWidget *
cursor_cell (HangarRecordGrid *self)
{
  GtkWidget *child;

  if (self->cursor_row == G_MAXUINT || self->cursor_field == NULL || self->cells == NULL)
    return NULL;
  child = hangar_grid_cells_lookup (self->cells, self->cursor_row, self->cursor_field);
  return child != NULL && gtk_widget_get_parent (child) != NULL ? gtk_widget_get_parent (child) : child;
}

gboolean
_hangar_record_grid_cursor_bounds (HangarRecordGrid *self,
                                   GdkRectangle     *out_rect)
{
  GtkWidget *cell = cursor_cell (self);
  graphene_rect_t bounds;

  if (cell == NULL || !gtk_widget_compute_bounds (cell, GTK_WIDGET (self), &bounds))
    return FALSE;
  out_rect->x = (int) bounds.origin.x;
  out_rect->y = (int) bounds.origin.y;
  out_rect->width = (int) bounds.size.width;
  out_rect->height = (int) bounds.size.height;
  return TRUE;
}

/* Scrolls so that the cursor's cell is in full view; FALSE when its row is
 * not bound yet (far away). */
static gboolean
scroll_cell_into_view (HangarRecordGrid *self)
{
  GtkWidget *cell = cursor_cell (self);
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  GtkAdjustment *hadj = gtk_scrolled_window_get_hadjustment (self->scrolled_window);
  graphene_rect_t bounds;
  int width = gtk_widget_get_width (GTK_WIDGET (self->scrolled_window));
  int height = gtk_widget_get_height (GTK_WIDGET (self->scrolled_window));
  int top = header_height (self);

  if (cell == NULL || !gtk_widget_compute_bounds (cell, GTK_WIDGET (self->scrolled_window), &bounds))
    return FALSE;
  /* Not laid out yet (rows can come from the cache before the grid's first
   * allocation): every cell would look below the fold, and scrolling for it
   * would carry the view away from the first rows. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self->scrolled_window)) || height <= top ||
      !gtk_widget_get_mapped (cell))
    return FALSE;
  if (bounds.origin.y < top)
    gtk_adjustment_set_value (vadj, gtk_adjustment_get_value (vadj) - (top - bounds.origin.y));
  else if (bounds.origin.y + bounds.size.height > height)
    gtk_adjustment_set_value (vadj, gtk_adjustment_get_value (vadj) + (bounds.origin.y + bounds.size.height - height));
  if (bounds.origin.x < 0)
    gtk_adjustment_set_value (hadj, gtk_adjustment_get_value (hadj) + bounds.origin.x);
  else if (bounds.origin.x + bounds.size.width > width)
    gtk_adjustment_set_value (hadj, gtk_adjustment_get_value (hadj) +
                              MIN (bounds.origin.x, bounds.origin.x + bounds.size.width - width));
  return TRUE;
}

static gboolean
scroll_idle_cb (gpointer user_data)
{
  HangarRecordGrid *self = user_data;

  self->scroll_idle_id = 0;
  scroll_cell_into_view (self);
  return G_SOURCE_REMOVE;
}

void
_hangar_record_grid_scroll_to_cursor (HangarRecordGrid *self)
{
  GtkWidget *list = inner_list_view (self);

  if (self->cursor_row == G_MAXUINT)
    return;
  if (scroll_cell_into_view (self))
    return;
  /* Not on screen: let the view bring the row in, then line the cell up
   * once it is bound. */
  if (list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", self->cursor_row);
  if (self->scroll_idle_id == 0)
    self->scroll_idle_id = g_idle_add_full (GDK_PRIORITY_REDRAW + 10, scroll_idle_cb, self, NULL);
}

static guint
rows_per_page (HangarRecordGrid *self)
{
  GtkWidget *cell = cursor_cell (self);
  int row_height = cell != NULL && gtk_widget_get_height (cell) > 0 ? gtk_widget_get_height (cell) : DEFAULT_ROW_HEIGHT;
  int height = gtk_widget_get_height (GTK_WIDGET (self->scrolled_window)) - header_height (self);

  return MAX (1, height / MAX (row_height, 1) - 1);
}

/* ---- the cursor ---- */

static void
select_rows (HangarRecordGrid *self)
{
  GtkSelectionModel *model = GTK_SELECTION_MODEL (self->selection);
  guint first = MIN (self->anchor_row, self->cursor_row);
  guint last = MAX (self->anchor_row, self->cursor_row);

  if (first == G_MAXUINT)
    return;
  g_object_set_data (G_OBJECT (self), "hangar-cursor-selecting", GINT_TO_POINTER (TRUE));
  gtk_selection_model_select_range (model, first, last - first + 1, TRUE);
  g_object_set_data (G_OBJECT (self), "hangar-cursor-selecting", NULL);
}

static void
show_cursor_record (HangarRecordGrid *self)
{
  HangarRecord *record = self->cursor_row != G_MAXUINT ? hangar_grid_model_peek (self->model, self->cursor_row) : NULL;

  if (record != NULL && !hangar_grid_model_is_add_row (record) &&
      hangar_record_detail_get_record (self->detail) != record)
    hangar_record_detail_set_record (self->detail, record);
}

static void
move_cursor (HangarRecordGrid *self,
             guint             row,
             HangarField      *field,
             gboolean          extend,
             gboolean          select)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autoptr(GPtrArray) fields = NULL;

  if (n == 0)
    {
      self->cursor_row = self->anchor_row = G_MAXUINT;
      self->cursor_field = self->anchor_field = NULL;
      return;
    }
  if (field == NULL || column_index (self, field) < 0)
    {
      fields = _hangar_record_grid_visible_fields (self);
      field = column_index (self, self->cursor_field) >= 0 ? self->cursor_field
              : fields->len > 0 ? g_ptr_array_index (fields, 0) : NULL;
    }
  if (field == NULL)
    return;
  row = MIN (row, n - 1);
  if (!extend || self->cursor_row == G_MAXUINT)
    {
      self->anchor_row = row;
      self->anchor_field = field;
    }
  self->cursor_row = row;
  self->cursor_field = field;
  if (select)
    select_rows (self);
  show_cursor_record (self);
  if (self->cells != NULL)
    hangar_grid_cells_redecorate (self->cells);
  _hangar_record_grid_scroll_to_cursor (self);
}

void
_hangar_record_grid_set_cursor (HangarRecordGrid *self,
                                guint             row,
                                HangarField      *field,
                                gboolean          extend)
{
  move_cursor (self, row, field, extend, TRUE);
}

static void
move_by (HangarRecordGrid *self,
         int               rows,
         int               columns,
         gboolean          extend)
{
  g_autoptr(GPtrArray) fields = _hangar_record_grid_visible_fields (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  int c = column_index (self, self->cursor_field);
  gint64 row;

  if (n == 0 || fields->len == 0)
    return;
  if (self->cursor_row == G_MAXUINT)
    {
      move_cursor (self, 0, g_ptr_array_index (fields, 0), FALSE, TRUE);
      return;
    }
  row = CLAMP ((gint64) self->cursor_row + rows, 0, (gint64) n - 1);
  c = CLAMP (c + columns, 0, (int) fields->len - 1);
  move_cursor (self, (guint) row, g_ptr_array_index (fields, c), extend, TRUE);
}

static void popup_context_menu (HangarRecordGrid *self,
                                double            x,
                                double            y);

/* ---- keys ---- */

static gboolean
focus_in_rows (HangarRecordGrid *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));

  if (focus == NULL)
    return FALSE;
  if (header != NULL && (focus == header || gtk_widget_is_ancestor (focus, header)))
    return FALSE;
  return focus == GTK_WIDGET (self->column_view) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->column_view));
}

/* What the grid does with a key (no editor open). */
static gboolean
grid_key (HangarRecordGrid *self,
          guint             keyval,
          GdkModifierType   state)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();
  gboolean shift = (mods & GDK_SHIFT_MASK) != 0;
  gboolean ctrl = (mods & GDK_CONTROL_MASK) != 0;
  gboolean plain = (mods & ~GDK_SHIFT_MASK) == 0;
  gunichar c;

  if (!focus_in_rows (self))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (!plain)
        return FALSE;
      move_by (self, -1, 0, shift);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (!plain)
        return FALSE;
      move_by (self, 1, 0, shift);
      return TRUE;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      if (!plain)
        return FALSE;
      move_by (self, 0, -1, shift);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      if (!plain)
        return FALSE;
      move_by (self, 0, 1, shift);
      return TRUE;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      move_by (self, ctrl ? -(int) g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0, -1000, shift);
      return TRUE;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      move_by (self, ctrl ? (int) g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0, 1000, shift);
      return TRUE;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      move_by (self, -(int) rows_per_page (self), 0, shift);
      return TRUE;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      move_by (self, (int) rows_per_page (self), 0, shift);
      return TRUE;
    case GDK_KEY_Tab:
      if (ctrl)
        return FALSE;   /* leave the grid */
      move_by (self, 0, 1, FALSE);
      return TRUE;
    case GDK_KEY_ISO_Left_Tab:
      if (ctrl)
        return FALSE;
      move_by (self, 0, -1, FALSE);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_F2:
      if (!plain || shift)
        return FALSE;
      if (self->cursor_row == G_MAXUINT)
        move_by (self, 0, 0, FALSE);
      _hangar_record_grid_edit_cell (self, NULL);
      return TRUE;
    case GDK_KEY_Escape:
      if (has_range (self))
        {
          move_cursor (self, self->cursor_row, self->cursor_field, FALSE, TRUE);
          return TRUE;
        }
      return FALSE;
    case GDK_KEY_space:
      if (ctrl)
        return FALSE;
      if (!shift && self->cursor_field != NULL &&
          hangar_cell_edit_kind (self->cursor_field) == HANGAR_CELL_EDIT_CHECKBOX)
        _hangar_record_grid_toggle_cell (self);
      else
        gtk_widget_activate_action (GTK_WIDGET (self), "grid.expand-record", NULL);
      return TRUE;
    case GDK_KEY_Menu:
    case GDK_KEY_F10:
      if (keyval == GDK_KEY_F10 && !(shift && (mods & ~GDK_SHIFT_MASK) == 0))
        return FALSE;
      {
        GdkRectangle rect;
        graphene_point_t point = GRAPHENE_POINT_INIT (0, 0);

        if (_hangar_record_grid_cursor_bounds (self, &rect) &&
            !gtk_widget_compute_point (GTK_WIDGET (self), GTK_WIDGET (self->column_view),
                                       &GRAPHENE_POINT_INIT (rect.x, rect.y + rect.height), &point))
          point = GRAPHENE_POINT_INIT (0, 0);
        popup_context_menu (self, point.x, point.y);
      }
      return TRUE;
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
    case GDK_KEY_BackSpace:
      if (!plain || shift)
        return FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self), "grid.clear-cells", NULL);
      return TRUE;
    default:
      break;
    }

  /* A printable character starts editing with it. */
  c = gdk_keyval_to_unicode (keyval);
  if (plain && c != 0 && g_unichar_isprint (c) && self->cursor_row != G_MAXUINT)
    {
      char text[8] = { 0 };

      g_unichar_to_utf8 (c, text);
      _hangar_record_grid_edit_cell (self, text);
      return TRUE;
    }
  return FALSE;
}

/* ---- keys before the editor is on screen ---- */

static void replay_early_keys (HangarRecordGrid *self);

static gboolean
early_replay_cb (gpointer user_data)
{
  HangarRecordGrid *self = user_data;

  self->early_replay_id = 0;
  replay_early_keys (self);
  return G_SOURCE_REMOVE;
}

static void
early_target_mapped_cb (GtkWidget        *target,
                        HangarRecordGrid *self)
{
  /* Once the map is done, before the next event: what was pressed first
   * goes first. */
  if (self->early_replay_id == 0)
    self->early_replay_id = g_idle_add_full (G_PRIORITY_HIGH, early_replay_cb, self, NULL);
}

static void
watch_early_target (HangarRecordGrid *self,
                    GtkWidget        *target)
{
  if (self->early_target == target)
    return;
  if (self->early_target != NULL)
    g_clear_signal_handler (&self->early_map_id, self->early_target);
  self->early_map_id = 0;
  g_set_weak_pointer (&self->early_target, target);
  if (target != NULL)
    self->early_map_id = g_signal_connect (target, "map", G_CALLBACK (early_target_mapped_cb), self);
}

/* The keyboard widget of the open editor, or NULL. */
static GtkWidget *
editor_target (HangarRecordGrid *self)
{
  if (self->editor_popover == NULL || self->editor == NULL)
    return NULL;
  return hangar_cell_editor_get_focus_widget (self->editor);
}

/* The keys that waited, in order: into the editor while one is open (and
 * on screen), the rest to the grid; stops at an editor that is not on
 * screen yet (one opened by a key replayed), until it maps. */
static void
replay_early_keys (HangarRecordGrid *self)
{
  while (self->early_keys != NULL && self->early_keys->len > 0)
    {
      EarlyKey key = g_array_index (self->early_keys, EarlyKey, 0);
      GtkWidget *target = editor_target (self);

      if (target != NULL && !gtk_widget_get_mapped (target))
        {
          watch_early_target (self, target);
          return;
        }
      g_array_remove_index (self->early_keys, 0);
      if (self->editor_popover != NULL)
        {
          if (self->editor != NULL && hangar_cell_editor_replay_key (self->editor, key.keyval, key.state))
            continue;
          if (self->editor_popover != NULL)
            continue;   /* nothing the editor does with it */
        }
      grid_key (self, key.keyval, key.state);
    }
  watch_early_target (self, NULL);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HangarRecordGrid      *self)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *target;
  EarlyKey key = { keyval, state };

  /* Keys that waited go first (an editor that has mapped since, or closed
   * without mapping). */
  if (self->early_keys->len > 0 && (editor_target (self) == NULL || gtk_widget_get_mapped (editor_target (self))))
    replay_early_keys (self);

  if (self->editor_popover == NULL && self->early_keys->len == 0)
    return grid_key (self, keyval, state);

  /* An editor is open, or opening. Shortcuts (Ctrl, Alt) and modifier
   * keys go on as they would. */
  if ((mods & ~GDK_SHIFT_MASK) != 0 || (event != NULL && gdk_key_event_is_modifier (event)))
    return FALSE;
  target = editor_target (self);
  if (target != NULL && gtk_widget_get_mapped (target) && self->early_keys->len == 0)
    {
      /* On screen, but the key came here (the popup had not taken the
       * keyboard yet): the next ones go to it, this one through it. */
      if (!focus_in_rows (self))
        return FALSE;
      gtk_widget_grab_focus (target);
      hangar_cell_editor_replay_key (self->editor, keyval, state);
      return TRUE;
    }
  if (target == NULL && self->early_keys->len == 0)
    return FALSE;
  /* Not on screen yet: the key waits for it, after those before it. */
  g_array_append_val (self->early_keys, key);
  if (target != NULL)
    watch_early_target (self, target);
  return TRUE;
}

/* ---- clicks ---- */

static void
popup_context_menu (HangarRecordGrid *self,
                    double            x,
                    double            y)
{
  GMenuModel *menu = G_MENU_MODEL (gtk_widget_get_template_child (GTK_WIDGET (self), HANGAR_TYPE_RECORD_GRID,
                                                                  "edit_menu"));
  graphene_point_t point;
  GdkRectangle rect;

  if (self->context_menu == NULL)
    {
      self->context_menu = gtk_popover_menu_new_from_model (menu);
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
      gtk_popover_set_position (GTK_POPOVER (self->context_menu), GTK_POS_BOTTOM);
      gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
      gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
    }
  if (!gtk_widget_compute_point (GTK_WIDGET (self->column_view), GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  rect.x = (int) point.x;
  rect.y = (int) point.y;
  rect.width = rect.height = 1;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
pressed_cb (GtkGestureClick  *gesture,
            int               n_press,
            double            x,
            double            y,
            HangarRecordGrid *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  HangarField *field = NULL;
  HangarRecord *record;
  guint row = G_MAXUINT;
  gboolean was_cursor;

  if (picked == NULL || !hangar_grid_cells_locate (picked, &row, &field))
    {
      GtkWidget *header = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));

      /* No cell there (the rows not in yet, below the last row): the
       * keyboard still comes to the grid, where the cursor goes when rows
       * arrive, rather than staying where it was. */
      if (picked != NULL && button == GDK_BUTTON_PRIMARY && !focus_in_rows (self) &&
          !(header != NULL && g_strcmp0 (gtk_widget_get_css_name (header), "header") == 0 &&
            (picked == header || gtk_widget_is_ancestor (picked, header))))
        gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
      return;
    }
  record = hangar_grid_model_peek (self->model, row);
  was_cursor = row == self->cursor_row && field == self->cursor_field && !has_range (self);

  if (button == GDK_BUTTON_SECONDARY)
    {
      if (!in_range (self, row, field))
        move_cursor (self, row, field, FALSE, !gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), row));
      popup_context_menu (self, x, y);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }
  if (button != GDK_BUTTON_PRIMARY)
    return;

  /* The click is ours: the cell cursor, and the rows it selects as a
   * list does (Shift extends, Ctrl toggles). */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  /* The keyboard goes to the row clicked, as the view's own click does. */
  for (GtkWidget *widget = picked; widget != NULL && widget != GTK_WIDGET (self->column_view);
       widget = gtk_widget_get_parent (widget))
    if (g_strcmp0 (gtk_widget_get_css_name (widget), "row") == 0 && gtk_widget_get_focusable (widget))
      {
        gtk_widget_grab_focus (widget);
        break;
      }
  move_cursor (self, row, field, (state & GDK_SHIFT_MASK) != 0, FALSE);
  g_object_set_data (G_OBJECT (self), "hangar-cursor-selecting", GINT_TO_POINTER (TRUE));
  if (state & GDK_SHIFT_MASK)
    {
      guint first = MIN (self->anchor_row, row);
      guint last = MAX (self->anchor_row, row);

      gtk_selection_model_select_range (GTK_SELECTION_MODEL (self->selection), first, last - first + 1,
                                        (state & GDK_CONTROL_MASK) == 0);
    }
  else if (state & GDK_CONTROL_MASK)
    {
      if (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), row))
        gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (self->selection), row);
      else
        gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), row, FALSE);
    }
  else
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), row, TRUE);
  g_object_set_data (G_OBJECT (self), "hangar-cursor-selecting", NULL);

  if (hangar_grid_model_is_add_row (record))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "grid.new-record", NULL);
      return;
    }
  if (n_press == 2 && (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) == 0)
    {
      /* A double click edits (or opens the record when editing is off). */
      if (self->read_only_reason == NULL)
        _hangar_record_grid_edit_cell (self, NULL);
      else
        gtk_widget_activate_action (GTK_WIDGET (self), "grid.expand-record", NULL);
      return;
    }
  if (n_press == 1 && was_cursor && (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) == 0 &&
      hangar_cell_edit_kind (field) == HANGAR_CELL_EDIT_CHECKBOX)
    _hangar_record_grid_toggle_cell (self);
}

/* ---- model ---- */

static void
model_items_changed_cb (GListModel       *model,
                        guint             position,
                        guint             removed,
                        guint             added,
                        HangarRecordGrid *self)
{
  guint n = g_list_model_get_n_items (model);

  if (self->cursor_row == G_MAXUINT)
    return;
  /* Rows came or went above the cursor: it stays on its record. */
  if (position <= self->cursor_row)
    {
      if (removed > 0 && self->cursor_row < position + removed)
        self->cursor_row = position;
      else
        self->cursor_row = self->cursor_row + added - removed;
    }
  if (position <= self->anchor_row && self->anchor_row != G_MAXUINT)
    {
      if (removed > 0 && self->anchor_row < position + removed)
        self->anchor_row = position;
      else
        self->anchor_row = self->anchor_row + added - removed;
    }
  if (n == 0)
    {
      self->cursor_row = self->anchor_row = G_MAXUINT;
      return;
    }
  self->cursor_row = MIN (self->cursor_row, n - 1);
  self->anchor_row = MIN (self->anchor_row, n - 1);
}

static void
record_changed_cb (HangarGridModel  *model,
                   guint             position,
                   HangarRecord     *record,
                   HangarRecordGrid *self)
{
  if (self->cells != NULL)
    hangar_grid_cells_refresh (self->cells, hangar_record_get_id (record));
  if (position == self->cursor_row)
    hangar_record_detail_set_record (self->detail, record);
}

static void
columns_items_changed_cb (GListModel       *columns,
                          guint             position,
                          guint             removed,
                          guint             added,
                          HangarRecordGrid *self)
{
  _hangar_record_grid_columns_changed (self);
}

/* ---- targets ---- */

gboolean
_hangar_record_grid_get_target (HangarRecordGrid  *self,
                                GArray           **out_rows,
                                GPtrArray        **out_fields)
{
  g_autoptr(GPtrArray) visible = _hangar_record_grid_visible_fields (self);
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (guint));
  GPtrArray *fields = g_ptr_array_new ();
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  if (self->cursor_row == G_MAXUINT || self->cursor_field == NULL)
    {
      g_array_unref (rows);
      g_ptr_array_unref (fields);
      return FALSE;
    }
  if (has_range (self))
    {
      int c0 = column_index (self, self->anchor_field);
      int c1 = column_index (self, self->cursor_field);

      for (guint r = MIN (self->anchor_row, self->cursor_row); r <= MAX (self->anchor_row, self->cursor_row); r++)
        g_array_append_val (rows, r);
      for (int c = MIN (c0, c1); c >= 0 && c <= MAX (c0, c1) && c < (int) visible->len; c++)
        g_ptr_array_add (fields, g_ptr_array_index (visible, c));
    }
  else if (gtk_bitset_get_size (selected) > 1)
    {
      GtkBitsetIter iter;
      guint row;

      for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &row); ok; ok = gtk_bitset_iter_next (&iter, &row))
        g_array_append_val (rows, row);
      for (guint i = 0; i < visible->len; i++)
        g_ptr_array_add (fields, g_ptr_array_index (visible, i));
    }
  else
    {
      g_array_append_val (rows, self->cursor_row);
      g_ptr_array_add (fields, self->cursor_field);
    }

  /* The "+" row is no record. */
  for (guint i = rows->len; i > 0; i--)
    if (hangar_grid_model_is_add_row (hangar_grid_model_peek (self->model, g_array_index (rows, guint, i - 1))))
      g_array_remove_index (rows, i - 1);
  *out_rows = rows;
  *out_fields = fields;
  return TRUE;
}

GPtrArray *
_hangar_record_grid_target_records (HangarRecordGrid *self)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);

  if (!_hangar_record_grid_get_target (self, &rows, &fields))
    return records;
  for (guint i = 0; i < rows->len; i++)
    {
      HangarRecord *record = hangar_grid_model_peek (self->model, g_array_index (rows, guint, i));

      if (record != NULL)
        g_ptr_array_add (records, g_object_ref (record));
    }
  return records;
}

/* ---- setup ---- */

void
_hangar_record_grid_init_cursor (HangarRecordGrid *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->cursor_row = self->anchor_row = G_MAXUINT;
  self->cells = hangar_grid_cells_new (self->model, decorate_cb, self);
  self->early_keys = g_array_new (FALSE, FALSE, sizeof (EarlyKey));

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), keys);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));

  /* Before the handlers that set the cursor on rows that came. */
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (model_items_changed_cb), self, 0);
  g_signal_connect_object (self->model, "record-changed", G_CALLBACK (record_changed_cb), self, 0);
  g_signal_connect_object (gtk_column_view_get_columns (self->column_view), "items-changed",
                           G_CALLBACK (columns_items_changed_cb), self, 0);
}

void
_hangar_record_grid_dispose_cursor (HangarRecordGrid *self)
{
  g_clear_handle_id (&self->scroll_idle_id, g_source_remove);
  g_clear_handle_id (&self->early_replay_id, g_source_remove);
  watch_early_target (self, NULL);
  g_clear_pointer (&self->early_keys, g_array_unref);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  g_clear_pointer (&self->column_order, g_hash_table_unref);
  if (self->cells != NULL)
    hangar_grid_cells_disconnect (self->cells);
  g_clear_pointer (&self->cells, hangar_grid_cells_unref);
}

/* ---- public (tests, tools) ---- */

guint
hangar_record_grid_get_cursor_row (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), G_MAXUINT);

  return self->cursor_row;
}

HangarField *
hangar_record_grid_get_cursor_field (HangarRecordGrid *self)
{
  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  return self->cursor_field;
}

void
hangar_record_grid_set_cursor (HangarRecordGrid *self,
                               guint             row,
                               const char       *field_name)
{
  g_return_if_fail (HANGAR_IS_RECORD_GRID (self));

  move_cursor (self, row, _hangar_record_grid_lookup_field (self, field_name), FALSE, TRUE);
}

GtkWidget *
hangar_record_grid_get_cell_widget (HangarRecordGrid *self,
                                    guint             row,
                                    const char       *field_name)
{
  HangarField *field;
  GtkWidget *child;

  g_return_val_if_fail (HANGAR_IS_RECORD_GRID (self), NULL);

  field = _hangar_record_grid_lookup_field (self, field_name);
  if (field == NULL || self->cells == NULL)
    return NULL;
  child = hangar_grid_cells_lookup (self->cells, row, field);
  /* The view's cell around it: what a click lands on. */
  return child != NULL && gtk_widget_get_parent (child) != NULL ? gtk_widget_get_parent (child) : child;
}
