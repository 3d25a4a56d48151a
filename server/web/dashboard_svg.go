package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// The dashboard's charts are inline SVG written on the server: no script,
// nothing to load, and they print. The CSP forbids style attributes, so all
// geometry and colour go into presentation attributes (x, width, fill…).
// Every chart has a <title> and <desc>, and its page has a table of the
// same numbers (UX.md §4).

// Okabe–Ito diverging ramp for five levels, low to high (UX.md §3), and the
// label colour that reads on each.
var levelFill = [5]string{"#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"}

const (
	ownSeries  = "#1D70B8" // the agency's own line and points (5.2:1 on white)
	inkColour  = "#0B0C0C"
	gridColour = "#B1B4B6"
)

// svgBuf accumulates markup; text is escaped by the caller through svgEsc.
type svgBuf struct{ strings.Builder }

func (b *svgBuf) add(format string, args ...any) { fmt.Fprintf(&b.Builder, format, args...) }

func (b *svgBuf) html() template.HTML { return template.HTML(b.String()) } //nolint:gosec // every text went through svgEsc

func svgEsc(s string) string { return html.EscapeString(s) }

// open starts an accessible chart: role img, labelled by its title and desc.
func (b *svgBuf) open(id string, w, h int, class, title, desc string) {
	b.add(`<svg class="chart %s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" focusable="false">`, class, w, h, id, id)
	b.add(`<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, svgEsc(title), id, svgEsc(desc))
}

// barSegment is one part of a 100% bar.
type barSegment struct {
	Share float64 // 0–1
	Fill  string
	Ink   string // label colour that reads on Fill
	Label string // short label drawn inside when it fits ("42%")
}

// levelBar draws one 100% bar with a 2 px white gap between segments
// (UX.md §3: light tints fall under 3:1 on white, so the gap and a text
// label carry the boundary, never the colour alone).
func levelBar(id string, w, h int, title, desc string, segs []barSegment) template.HTML {
	var b svgBuf
	class := "bar"
	if w < 600 {
		class = "bar small"
	}
	b.open(id, w, h, class, title, desc)
	x := 0.0
	for _, s := range segs {
		sw := s.Share * float64(w)
		if sw <= 0 {
			continue
		}
		rw := max(sw-2, 1) // the gap is the white background showing through
		b.add(`<rect x="%.1f" y="0" width="%.1f" height="%d" fill="%s"/>`, x, rw, h, s.Fill)
		if s.Label != "" && rw >= float64(len([]rune(s.Label)))*float64(h)/4+6 {
			b.add(`<text x="%.1f" y="%.1f" text-anchor="middle" fill="%s" class="seg-label">%s</text>`, x+rw/2, float64(h)*0.66, s.Ink, svgEsc(s.Label))
		}
		x += sw
	}
	b.add(`</svg>`)
	return b.html()
}

// whisker draws an index with its interval on an axis from axisLo to 100%
// shared by every whisker of a table, so they compare. It repeats numbers
// written beside it, so screen readers skip it.
func whisker(v, lo, hi float64, ok, reliable bool, axisLo float64) template.HTML {
	const w, h, pad = 240, 30, 8
	x := func(p float64) float64 { return pad + (max(p, axisLo)-axisLo)/(100-axisLo)*(w-2*pad) }
	var b svgBuf
	b.add(`<svg class="chart whisker" viewBox="0 0 %d %d" aria-hidden="true" focusable="false">`, w, h)
	b.add(`<line x1="%d" y1="24" x2="%d" y2="24" stroke="%s" stroke-width="1"/>`, pad, w-pad, gridColour)
	for _, t := range []float64{axisLo, (axisLo + 100) / 2, 100} {
		b.add(`<line x1="%.1f" y1="21" x2="%.1f" y2="27" stroke="%s" stroke-width="1"/>`, x(t), x(t), gridColour)
	}
	if ok {
		b.add(`<line x1="%.1f" y1="12" x2="%.1f" y2="12" stroke="%s" stroke-width="2"/>`, x(lo), x(hi), inkColour)
		b.add(`<line x1="%.1f" y1="5" x2="%.1f" y2="19" stroke="%s" stroke-width="2"/>`, x(lo), x(lo), inkColour)
		b.add(`<line x1="%.1f" y1="5" x2="%.1f" y2="19" stroke="%s" stroke-width="2"/>`, x(hi), x(hi), inkColour)
		fill := ownSeries
		if !reliable {
			fill = "#FFFFFF"
		}
		b.add(`<circle cx="%.1f" cy="12" r="6" fill="%s" stroke="%s" stroke-width="2"/>`, x(v), fill, ownSeries)
	}
	b.add(`</svg>`)
	return b.html()
}

// whiskerAxis is the low end of a shared whisker axis: the tens at or below
// the lowest interval drawn, and never above 50% so small spreads do not
// look large.
func whiskerAxis(los ...float64) float64 {
	lo := 50.0
	for _, l := range los {
		lo = min(lo, l)
	}
	return max(0, math.Floor(lo/10)*10)
}

// trendPoint is one month of the trend chart.
type trendPoint struct {
	Tick     string // axis label, "" to skip
	Value    float64
	Lo, Hi   float64
	Valid    bool // the month has an index
	HasCI    bool
	Reliable bool // n ≥ 30: filled point, solid line
}

// trendLine is another line on the trend, under the agency's own: the
// months of an agency merged into it, before the merger. Grey and dotted,
// named by its code at its last point, so it never reads as the own figure.
type trendLine struct {
	Label  string
	Dash   string
	Points []trendPoint // the same months as the own line
}

// historyDashes tell several merged agencies' lines apart without colour.
var historyDashes = []string{"2 4", "9 4 2 4", "1 3"}

const historyColour = "#505A5F" // 7:1 on white

// trendChart draws 13 months on a fixed 0–100% axis, never auto-scaled
// (UX.md §3 item 3): the index as a line, its 95% interval as a light
// band, months under 30 responses as hollow points joined by dashes; and
// under them the lines of merged predecessors, if any.
func trendChart(id, title, desc string, pts []trendPoint, pct func(float64) string, last string, others ...trendLine) template.HTML {
	const w, h, left, right, top, bottom = 720, 260, 52, 80, 14, 36
	pw, ph := float64(w-left-right), float64(h-top-bottom)
	step := pw / float64(max(len(pts)-1, 1))
	x := func(i int) float64 { return left + float64(i)*step }
	y := func(v float64) float64 { return top + (100-v)/100*ph }
	var b svgBuf
	b.open(id, w, h, "trend", title, desc)
	for _, g := range []float64{0, 25, 50, 75, 100} {
		b.add(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="1"/>`, left, y(g), w-right, y(g), gridColour)
		b.add(`<text x="%d" y="%.1f" text-anchor="end" class="axis">%s</text>`, left-6, y(g)+4, svgEsc(pct(g)))
	}
	// The band, one polygon per run of consecutive months with an interval.
	for i := 0; i < len(pts); {
		if !pts[i].HasCI {
			i++
			continue
		}
		j := i
		for j < len(pts) && pts[j].HasCI {
			j++
		}
		var up, down []string
		for k := i; k < j; k++ {
			up = append(up, fmt.Sprintf("%.1f,%.1f", x(k), y(pts[k].Hi)))
			down = append([]string{fmt.Sprintf("%.1f,%.1f", x(k), y(pts[k].Lo))}, down...)
		}
		if j-i == 1 { // a lone month: a narrow band around it
			up = []string{fmt.Sprintf("%.1f,%.1f", x(i)-4, y(pts[i].Hi)), fmt.Sprintf("%.1f,%.1f", x(i)+4, y(pts[i].Hi))}
			down = []string{fmt.Sprintf("%.1f,%.1f", x(i)+4, y(pts[i].Lo)), fmt.Sprintf("%.1f,%.1f", x(i)-4, y(pts[i].Lo))}
		}
		b.add(`<polygon points="%s" fill="%s" fill-opacity="0.18"/>`, strings.Join(append(up, down...), " "), ownSeries)
		i = j
	}
	type label struct {
		i int
		y float64
	}
	var labels []label // lines ending in the same month get their names one under another
	for _, o := range others {
		lastX := -1
		for i, p := range o.Points {
			if !p.Valid {
				continue
			}
			if i > 0 && o.Points[i-1].Valid {
				q := o.Points[i-1]
				b.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`,
					x(i-1), y(q.Value), x(i), y(p.Value), historyColour, o.Dash)
			}
			b.add(`<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`, x(i), y(p.Value), historyColour)
			lastX = i
		}
		if lastX >= 0 {
			ly := y(o.Points[lastX].Value) - 6
			for moved := true; moved; {
				moved = false
				for _, l := range labels {
					if l.i == lastX && math.Abs(l.y-ly) < 13 {
						ly, moved = l.y+13, true
					}
				}
			}
			labels = append(labels, label{lastX, ly})
			b.add(`<text x="%.1f" y="%.1f" class="axis">%s</text>`, x(lastX)+6, ly, svgEsc(o.Label))
		}
	}
	for i := 1; i < len(pts); i++ {
		p, q := pts[i-1], pts[i]
		if !p.Valid || !q.Valid {
			continue
		}
		noFigure := ""
		if !p.Reliable || !q.Reliable {
			noFigure = ` stroke-dasharray="6 5"`
		}
		b.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3"%s/>`, x(i-1), y(p.Value), x(i), y(q.Value), ownSeries, noFigure)
	}
	for i, p := range pts {
		if p.Tick != "" {
			b.add(`<text x="%.1f" y="%d" text-anchor="middle" class="axis">%s</text>`, x(i), h-12, svgEsc(p.Tick))
		}
		if !p.Valid {
			continue
		}
		fill := ownSeries
		if !p.Reliable {
			fill = "#FFFFFF"
		}
		b.add(`<circle cx="%.1f" cy="%.1f" r="5" fill="%s" stroke="%s" stroke-width="2.5"/>`, x(i), y(p.Value), fill, ownSeries)
	}
	if n := len(pts) - 1; n >= 0 && pts[n].Valid && last != "" {
		b.add(`<text x="%.1f" y="%.1f" class="value">%s</text>`, x(n)+10, y(pts[n].Value)+5, svgEsc(last))
	}
	b.add(`</svg>`)
	return b.html()
}

// lineSample is a legend's short stretch of a dotted history line.
func lineSample(dash string) template.HTML {
	var b svgBuf
	b.add(`<svg class="line-sample" viewBox="0 0 28 8" aria-hidden="true" focusable="false">`)
	b.add(`<line x1="0" y1="4" x2="28" y2="4" stroke="%s" stroke-width="2" stroke-dasharray="%s"/></svg>`, historyColour, svgEsc(dash))
	return b.html()
}

// sparkline is the headline card's small 13-month line, on the same fixed
// 0–100% axis as the trend below it, which carries the title, description
// and table; the sparkline itself is decoration for screen readers.
func sparkline(pts []trendPoint) template.HTML {
	const w, h, pad = 160, 40, 4
	step := float64(w-2*pad) / float64(max(len(pts)-1, 1))
	y := func(v float64) float64 { return pad + (100-v)/100*(h-2*pad) }
	var b svgBuf
	b.add(`<svg class="chart spark" viewBox="0 0 %d %d" aria-hidden="true" focusable="false">`, w, h)
	b.add(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="1"/>`, pad, y(0), w-pad, y(0), gridColour)
	for i := 1; i < len(pts); i++ {
		if pts[i-1].Valid && pts[i].Valid {
			noFigure := ""
			if !pts[i-1].Reliable || !pts[i].Reliable {
				noFigure = ` stroke-dasharray="4 3"`
			}
			b.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`,
				pad+float64(i-1)*step, y(pts[i-1].Value), pad+float64(i)*step, y(pts[i].Value), ownSeries, noFigure)
		}
	}
	if n := len(pts) - 1; n >= 0 && pts[n].Valid {
		b.add(`<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, pad+float64(n)*step, y(pts[n].Value), ownSeries)
	}
	b.add(`</svg>`)
	return b.html()
}

// dayBars draws responses per day as small bars, one per day of the month.
func dayBars(id, title, desc string, counts []int, ticks []string) template.HTML {
	const w, h, left, bottom, top = 380, 130, 6, 22, 8
	peak := 1
	for _, n := range counts {
		peak = max(peak, n)
	}
	step := float64(w-2*left) / float64(max(len(counts), 1))
	var b svgBuf
	b.open(id, w, h, "days", title, desc)
	ph := float64(h - bottom - top)
	b.add(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="1"/>`, left, h-bottom, w-left, h-bottom, gridColour)
	for i, n := range counts {
		bh := float64(n) / float64(peak) * ph
		x := float64(left) + float64(i)*step
		if n > 0 {
			b.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x+1, float64(h-bottom)-bh, max(step-2, 1), bh, ownSeries)
		}
		if i < len(ticks) && ticks[i] != "" {
			b.add(`<text x="%.1f" y="%d" text-anchor="middle" class="axis">%s</text>`, x+step/2, h-6, svgEsc(ticks[i]))
		}
	}
	b.add(`</svg>`)
	return b.html()
}

// swatch is the small key square beside a level's name.
func swatch(fill string) template.HTML {
	return template.HTML(fmt.Sprintf(`<svg class="swatch" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><rect width="16" height="16" fill="%s" stroke="%s" stroke-width="1"/></svg>`, fill, inkColour)) //nolint:gosec // fixed colours
}
