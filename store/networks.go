package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Network is a mobile operator (O2, Vodafone …) or an SMS gateway provider.
type Network struct {
	ID      int64
	Name    string
	Gateway bool   // its SIMs are gateway accounts, not SIM cards
	Notes   string // customer service number, top-up details …
}

// Networks returns every network by name.
func (db *DB) Networks(ctx context.Context) ([]Network, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, name, gateway, notes FROM networks ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("networks: %w", err)
	}
	defer rows.Close()
	var out []Network
	for rows.Next() {
		var n Network
		if err := rows.Scan(&n.ID, &n.Name, &n.Gateway, &n.Notes); err != nil {
			return nil, fmt.Errorf("networks: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// NetworkByName finds a network by name, ignoring case.
func (db *DB) NetworkByName(ctx context.Context, name string) (Network, error) {
	var n Network
	err := db.sql.QueryRowContext(ctx, `SELECT id, name, gateway, notes FROM networks WHERE name = ?`,
		strings.TrimSpace(name)).Scan(&n.ID, &n.Name, &n.Gateway, &n.Notes)
	if err != nil {
		return n, fmt.Errorf("network %q: %w", name, mapErr(err))
	}
	return n, nil
}

// AddNetwork creates a network; the name must be new.
func (db *DB) AddNetwork(ctx context.Context, n Network) (Network, error) {
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		return n, fmt.Errorf("add network: %w", errEmpty("name"))
	}
	res, err := db.sql.ExecContext(ctx, `INSERT INTO networks (name, gateway, notes) VALUES (?, ?, ?)`,
		n.Name, n.Gateway, n.Notes)
	if err != nil {
		return n, fmt.Errorf("add network %q: %w", n.Name, mapErr(err))
	}
	n.ID, _ = res.LastInsertId()
	return n, nil
}

// UpdateNetwork saves a network's name, kind and notes.
func (db *DB) UpdateNetwork(ctx context.Context, n Network) error {
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" {
		return fmt.Errorf("update network: %w", errEmpty("name"))
	}
	res, err := db.sql.ExecContext(ctx, `UPDATE networks SET name = ?, gateway = ?, notes = ? WHERE id = ?`,
		n.Name, n.Gateway, n.Notes, n.ID)
	if err != nil {
		return fmt.Errorf("update network %q: %w", n.Name, mapErr(err))
	}
	return affected(res, "network")
}

func affected(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// errEmpty is the error for a required field left empty.
func errEmpty(field string) error { return fmt.Errorf("%s is required", field) }
