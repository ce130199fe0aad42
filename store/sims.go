package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SIM is a SIM card in a dongle, or a gateway account (a SIM of a gateway
// network with an API URL and credentials).
type SIM struct {
	ID             int64
	NetworkID      int64
	Network        string // the network's name
	NetworkGateway bool   // the network is a gateway provider
	Ref            int    // reference number within the network: "O2 3"
	IMSI           string // "" while unknown
	ICCID          string
	IMEI           string // the dongle it was last seen in
	Phone          string
	Active         bool
	DailyLimit     int // SMS parts a day
	LastPort       string
	LastSeen       time.Time
	ParkedUntil    time.Time // no sends before this time
	ParkReason     string
	Notes          string

	GatewayURL      string
	GatewayUser     string
	GatewayPassword string // never printed in full
	SenderID        string
}

// Label is how operators name a SIM: network and reference ("O2 3"), or the
// network alone for a gateway account without a reference ("SMSBCAST").
func (s SIM) Label() string {
	if s.Ref == 0 && s.IsGateway() {
		return s.Network
	}
	return s.Network + " " + strconv.Itoa(s.Ref)
}

// IsGateway reports whether the SIM is a gateway account rather than a card.
func (s SIM) IsGateway() bool { return s.NetworkGateway || s.GatewayURL != "" }

// Parked reports whether the SIM is parked at t.
func (s SIM) Parked(t time.Time) bool { return !s.ParkedUntil.IsZero() && t.Before(s.ParkedUntil) }

const simColumns = `s.id, s.network_id, n.name, n.gateway, s.ref, COALESCE(s.imsi, ''), s.iccid, s.imei, s.phone,
	s.active, s.daily_limit, s.last_port, s.last_seen, s.parked_until, s.park_reason, s.notes,
	s.gw_url, s.gw_user, s.gw_password, s.sender_id`

const simFrom = ` FROM sims s JOIN networks n ON n.id = s.network_id`

func scanSIM(sc interface{ Scan(...any) error }) (SIM, error) {
	var s SIM
	var seen, parked sql.NullInt64
	err := sc.Scan(&s.ID, &s.NetworkID, &s.Network, &s.NetworkGateway, &s.Ref, &s.IMSI, &s.ICCID, &s.IMEI, &s.Phone,
		&s.Active, &s.DailyLimit, &s.LastPort, &seen, &parked, &s.ParkReason, &s.Notes,
		&s.GatewayURL, &s.GatewayUser, &s.GatewayPassword, &s.SenderID)
	s.LastSeen, s.ParkedUntil = fromUnix(seen), fromUnix(parked)
	return s, err
}

// SIMs returns every SIM, ordered by network and reference.
func (db *DB) SIMs(ctx context.Context) ([]SIM, error) {
	return db.querySIMs(ctx, `SELECT `+simColumns+simFrom+` ORDER BY n.name, s.ref`)
}

func (db *DB) querySIMs(ctx context.Context, q string, args ...any) ([]SIM, error) {
	return querySIMsOn(ctx, db.sql, q, args...)
}

// querySIMsOn runs q on the connection or transaction on and scans each row
// as a SIM.
func querySIMsOn(ctx context.Context, on interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, q string, args ...any) ([]SIM, error) {
	rows, err := on.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sims: %w", err)
	}
	defer rows.Close()
	var out []SIM
	for rows.Next() {
		s, err := scanSIM(rows)
		if err != nil {
			return nil, fmt.Errorf("sims: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SIM returns the SIM with the given id.
func (db *DB) SIM(ctx context.Context, id int64) (SIM, error) {
	s, err := scanSIM(db.sql.QueryRowContext(ctx, `SELECT `+simColumns+simFrom+` WHERE s.id = ?`, id))
	if err != nil {
		return s, fmt.Errorf("sim %d: %w", id, mapErr(err))
	}
	return s, nil
}

// SIMByIMSI returns the SIM with the given IMSI.
func (db *DB) SIMByIMSI(ctx context.Context, imsi string) (SIM, error) {
	s, err := scanSIM(db.sql.QueryRowContext(ctx, `SELECT `+simColumns+simFrom+` WHERE s.imsi = ?`, imsi))
	if err != nil {
		return s, fmt.Errorf("sim with IMSI %s: %w", imsi, mapErr(err))
	}
	return s, nil
}

// FindSIM resolves what an operator typed: an id ("4"), a label ("O2 3"), or a
// network name alone when that network has exactly one SIM ("SMSBCAST").
func (db *DB) FindSIM(ctx context.Context, ref string) (SIM, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return db.SIM(ctx, id)
	}
	if i := strings.LastIndexByte(ref, ' '); i > 0 {
		if n, err := strconv.Atoi(ref[i+1:]); err == nil {
			s, err := scanSIM(db.sql.QueryRowContext(ctx, `SELECT `+simColumns+simFrom+` WHERE n.name = ? AND s.ref = ?`,
				strings.TrimSpace(ref[:i]), n))
			if err == nil {
				return s, nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return s, fmt.Errorf("sim %q: %w", ref, err)
			}
		}
	}
	sims, err := db.querySIMs(ctx, `SELECT `+simColumns+simFrom+` WHERE n.name = ?`, ref)
	if err != nil {
		return SIM{}, err
	}
	switch len(sims) {
	case 1:
		return sims[0], nil
	case 0:
		return SIM{}, fmt.Errorf("sim %q: %w", ref, ErrNotFound)
	default:
		return SIM{}, fmt.Errorf("sim %q: %d SIMs on that network; name one as %q", ref, len(sims), sims[0].Label())
	}
}

// AddSIM creates a SIM. A zero Ref takes the next free reference on its
// network (gateway accounts keep 0 when they are the network's first).
func (db *DB) AddSIM(ctx context.Context, s SIM) (SIM, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if s.Ref == 0 && !s.IsGateway() {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ref), 0) + 1 FROM sims WHERE network_id = ?`,
				s.NetworkID).Scan(&s.Ref); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sims (network_id, ref, imsi, iccid, imei, phone, active, daily_limit,
			last_port, last_seen, parked_until, park_reason, notes, gw_url, gw_user, gw_password, sender_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.NetworkID, s.Ref, nullStr(s.IMSI), s.ICCID, s.IMEI, s.Phone, s.Active, s.DailyLimit,
			s.LastPort, unix(s.LastSeen), unix(s.ParkedUntil), s.ParkReason, s.Notes,
			s.GatewayURL, s.GatewayUser, s.GatewayPassword, s.SenderID)
		if err != nil {
			return mapErr(err)
		}
		s.ID, _ = res.LastInsertId()
		return nil
	})
	if err != nil {
		return s, fmt.Errorf("add sim: %w", err)
	}
	return db.SIM(ctx, s.ID)
}

// UpdateSIM saves every field of s.
func (db *DB) UpdateSIM(ctx context.Context, s SIM) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE sims SET network_id = ?, ref = ?, imsi = ?, iccid = ?, imei = ?, phone = ?,
		active = ?, daily_limit = ?, last_port = ?, last_seen = ?, parked_until = ?, park_reason = ?, notes = ?,
		gw_url = ?, gw_user = ?, gw_password = ?, sender_id = ? WHERE id = ?`,
		s.NetworkID, s.Ref, nullStr(s.IMSI), s.ICCID, s.IMEI, s.Phone, s.Active, s.DailyLimit,
		s.LastPort, unix(s.LastSeen), unix(s.ParkedUntil), s.ParkReason, s.Notes,
		s.GatewayURL, s.GatewayUser, s.GatewayPassword, s.SenderID, s.ID)
	if err != nil {
		return fmt.Errorf("update sim %s: %w", s.Label(), mapErr(err))
	}
	return affected(res, "sim")
}

// SeenSIM records that a dongle on port holds the SIM with imsi. A SIM seen for
// the first time is created on the network named by operator (created too when
// new), with the next free reference.
func (db *DB) SeenSIM(ctx context.Context, imsi, iccid, imei, operator, port string) (SIM, bool, error) {
	if imsi == "" {
		return SIM{}, false, errors.New("seen sim: no IMSI")
	}
	if operator == "" {
		operator = "Unknown"
	}
	created := false
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id FROM sims WHERE imsi = ?`, imsi).Scan(&id)
		if err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE sims SET last_port = ?, last_seen = ?,
				iccid = CASE WHEN ? <> '' THEN ? ELSE iccid END,
				imei = CASE WHEN ? <> '' THEN ? ELSE imei END WHERE id = ?`,
				port, db.now(), iccid, iccid, imei, imei, id)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		netID, err := networkForOperator(ctx, tx, operator)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sims (network_id, ref, imsi, iccid, imei, last_port, last_seen)
			VALUES (?, (SELECT COALESCE(MAX(ref), 0) + 1 FROM sims WHERE network_id = ?), ?, ?, ?, ?, ?)`,
			netID, netID, imsi, iccid, imei, port, db.now())
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		created = true
		return nil
	})
	if err != nil {
		return SIM{}, false, fmt.Errorf("seen sim %s: %w", imsi, err)
	}
	s, err := db.SIM(ctx, id)
	return s, created, err
}

// ParkSIM stops sends from a SIM until the given time, with the reason shown
// to the operator; a zero until unparks it.
func (db *DB) ParkSIM(ctx context.Context, id int64, until time.Time, reason string) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE sims SET parked_until = ?, park_reason = ? WHERE id = ?`,
		unix(until), reason, id)
	if err != nil {
		return fmt.Errorf("park sim %d: %w", id, err)
	}
	return affected(res, "sim")
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// networkForOperator finds the network a dongle's operator name belongs to,
// creating it when none matches. Dongles say "O2 - UK" or "vodafone UK"
// where the operator typed "O2" or "Vodafone": a network whose name starts
// the operator name (as a whole word, ignoring case) is that network; the
// longest such name wins.
func networkForOperator(ctx context.Context, tx *sql.Tx, operator string) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM networks WHERE gateway = 0`)
	if err != nil {
		return 0, err
	}
	op := strings.ToLower(strings.TrimSpace(operator))
	var best int64
	bestLen := 0
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return 0, err
		}
		n := strings.ToLower(strings.TrimSpace(name))
		if n == "" || !strings.HasPrefix(op, n) || len(n) <= bestLen {
			continue
		}
		if rest := op[len(n):]; rest != "" && !strings.ContainsAny(rest[:1], " -_/.,") {
			continue // "O2" must not claim "O2X"
		}
		best, bestLen = id, len(n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if best != 0 {
		return best, nil
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO networks (name) VALUES (?)
		ON CONFLICT (name) DO UPDATE SET name = name RETURNING id`, operator).Scan(&best)
	return best, err
}
