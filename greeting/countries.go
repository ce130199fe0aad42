package greeting

import (
	"slices"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/ar"
	calat "github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/au"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/bg"
	"github.com/rickar/cal/v2/br"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/gr"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/lv"
	"github.com/rickar/cal/v2/mw"
	"github.com/rickar/cal/v2/nc"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/nz"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/ru"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"
	"github.com/rickar/cal/v2/ua"
	"github.com/rickar/cal/v2/us"
	"github.com/rickar/cal/v2/za"
)

// countryHolidays returns the public holidays github.com/rickar/cal knows for
// a country (ISO 3166 alpha-2, upper case), and false for a country it does
// not know. Australia's are the holidays every state keeps.
func countryHolidays(code string) ([]*cal.Holiday, bool) {
	hs := func() []*cal.Holiday {
		switch code {
		case "AR":
			return ar.Holidays
		case "AT":
			return calat.Holidays
		case "BE":
			return be.Holidays
		case "BG":
			return bg.Holidays
		case "BR":
			return br.Holidays
		case "CA":
			return ca.Holidays
		case "CH":
			return ch.Holidays
		case "CZ":
			return cz.Holidays
		case "DE":
			return de.Holidays
		case "DK":
			return dk.Holidays
		case "ES":
			return es.Holidays
		case "FR":
			return fr.Holidays
		case "GB":
			return gb.Holidays
		case "GR":
			return gr.Holidays
		case "HR":
			return hr.Holidays
		case "IE":
			return ie.Holidays
		case "IT":
			return it.Holidays
		case "JP":
			return jp.Holidays
		case "LT":
			return lt.Holidays
		case "LV":
			return lv.Holidays
		case "MW":
			return mw.Holidays
		case "NC":
			return nc.Holidays
		case "NL":
			return nl.Holidays
		case "NO":
			return no.Holidays
		case "NZ":
			return nz.Holidays
		case "PL":
			return pl.Holidays
		case "RO":
			return ro.Holidays
		case "RU":
			return ru.Holidays
		case "SE":
			return se.Holidays
		case "SI":
			return si.Holidays
		case "SK":
			return sk.Holidays
		case "UA":
			return ua.Holidays
		case "US":
			return us.Holidays
		case "ZA":
			return za.Holidays
		case "AU":
			return commonHolidays(au.HolidaysACT, au.HolidaysNSW, au.HolidaysNT, au.HolidaysQLD,
				au.HolidaysSA, au.HolidaysTAS, au.HolidaysVIC, au.HolidaysWA)
		}
		return nil
	}()
	return hs, hs != nil
}

// calCountries are the codes countryHolidays knows, in order.
func calCountries() []string {
	return []string{"AR", "AT", "AU", "BE", "BG", "BR", "CA", "CH", "CZ", "DE", "DK", "ES", "FR", "GB", "GR", "HR", "IE", "IT", "JP", "LT", "LV", "MW", "NC", "NL", "NO", "NZ", "PL", "RO", "RU", "SE", "SI", "SK", "UA", "US", "ZA"}
}

// commonHolidays returns the holidays (by name) that every list holds.
func commonHolidays(lists ...[]*cal.Holiday) []*cal.Holiday {
	var out []*cal.Holiday
	for _, h := range lists[0] {
		all := true
		for _, l := range lists[1:] {
			all = all && slices.ContainsFunc(l, func(o *cal.Holiday) bool { return o.Name == h.Name })
		}
		if all {
			out = append(out, h)
		}
	}
	return out
}
