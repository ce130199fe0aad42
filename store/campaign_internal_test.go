package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSaveNumberFormsInvalidUTF8: strings JSON would change are saved as
// they are, one by one.
func TestSaveNumberFormsInvalidUTF8(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "forms.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	forms := map[string]string{"0770\xff": "+447700900005", "07700 900006": "+447700900006"}
	if err := db.SaveNumberForms(ctx, "GB", forms); err != nil {
		t.Fatal(err)
	}
	for raw, want := range forms {
		var e string
		if err := db.sql.QueryRowContext(ctx, `SELECT e164 FROM number_forms WHERE raw = ? AND region = 'GB'`, raw).Scan(&e); err != nil || e != want {
			t.Errorf("form of %q: %q, %v; want %q", raw, e, err, want)
		}
	}
}
