package xray

import (
	"image"
	"math"
	"math/rand/v2"
)

// anatomy holds one synthetic patient: where the body, lungs, heart, spine
// and ribs are, in coordinates relative to the image (0..1 both ways), and
// how the film was exposed.
type anatomy struct {
	cx                float64 // body midline
	bodyW, bodyTop    float64 // half-width of the torso, top of the shoulders
	lungX, lungY      float64 // lung centres: cx ± lungX, lungY
	lungRX, lungRY    float64 // lung radii
	heartX, heartY    float64 // heart centre
	heartRX, heartRY  float64
	ribTop, ribStep   float64   // first rib and spacing, at the spine
	ribCurve, ribHalf float64   // how much a rib drops laterally; half-thickness
	tilt              float64   // patient rotation, radians
	patches           []patch   // pneumonia: hazy consolidations
	tex               []float64 // texGrid² values in -1..1: lung markings
	air, tissue       float64   // grey levels of background and soft tissue
	lungDark          float64   // how much darker the lungs are
	gamma             float64   // film response
	noise             float64   // grain amplitude, grey levels
	marker            bool      // a side marker in the top corner
	markerLeft        bool
}

type patch struct{ x, y, r, a float64 }

func newAnatomy(rng *rand.Rand, pneumonia bool) anatomy {
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	a := anatomy{
		cx:       u(0.47, 0.53),
		bodyW:    u(0.36, 0.46),
		bodyTop:  u(0.02, 0.12),
		lungX:    u(0.15, 0.19),
		lungY:    u(0.42, 0.50),
		lungRX:   u(0.12, 0.15),
		lungRY:   u(0.24, 0.30),
		heartRX:  u(0.11, 0.15),
		heartRY:  u(0.12, 0.16),
		ribStep:  u(0.045, 0.055),
		ribCurve: u(0.9, 1.4),
		ribHalf:  u(0.007, 0.011),
		tilt:     u(-0.04, 0.04),
		air:      u(8, 30),
		tissue:   u(150, 200),
		lungDark: u(0.45, 0.65),
		gamma:    u(0.85, 1.2),
		noise:    u(1.5, 2.5),
		marker:   rng.IntN(3) > 0,
	}
	a.markerLeft = rng.IntN(2) == 0
	a.tex = make([]float64, texGrid*texGrid)
	for i := range a.tex {
		a.tex[i] = 2*rng.Float64() - 1
	}
	a.heartX = a.cx + u(0.03, 0.07)
	a.heartY = a.lungY + u(0.12, 0.17)
	a.ribTop = a.lungY - a.lungRY + u(-0.02, 0.01)
	if pneumonia {
		for i, n := 0, 1+rng.IntN(3); i < n; i++ {
			side := float64(2*rng.IntN(2) - 1)
			a.patches = append(a.patches, patch{
				x: a.cx + side*a.lungX + u(-0.06, 0.06),
				y: a.lungY + u(-0.05, 0.2),
				r: u(0.05, 0.12),
				a: u(0.35, 0.8),
			})
		}
	}
	return a
}

const texGrid = 48

// texture is value noise over the image: random values on a texGrid² grid,
// interpolated.
func (a *anatomy) texture(u, v float64) float64 {
	fx, fy := u*(texGrid-1), v*(texGrid-1)
	i, j := min(max(int(fx), 0), texGrid-2), min(max(int(fy), 0), texGrid-2)
	tx, ty := min(max(fx-float64(i), 0), 1), min(max(fy-float64(j), 0), 1)
	t := a.tex[j*texGrid+i:]
	top := t[0] + (t[1]-t[0])*tx
	bot := t[texGrid] + (t[texGrid+1]-t[texGrid])*tx
	return top + (bot-top)*ty
}

// smooth is 1 well inside (q < 1-e), 0 outside (q > 1+e), and eases between.
func smooth(q, e float64) float64 {
	t := (1 + e - q) / (2 * e)
	if t <= 0 {
		return 0
	}
	if t >= 1 {
		return 1
	}
	return t * t * (3 - 2*t)
}

// density is the film's brightness before exposure and grain, 0..1, at
// relative coordinates (u, v); aspect is width/height.
func (a *anatomy) density(u, v, aspect float64) float64 {
	// Rotate about the centre for a patient not quite straight.
	du, dv := (u-0.5)*aspect, v-0.5
	s, c := math.Sincos(a.tilt)
	u, v = 0.5+(c*du-s*dv)/aspect, 0.5+s*du+c*dv

	x := u - a.cx
	// Torso: the neck above bodyTop, shoulders rounding out below it.
	width := a.bodyW
	if s := (v - a.bodyTop) / 0.12; s < 1 {
		width = 0.07 + (a.bodyW-0.07)*math.Sqrt(max(s, 0))
	}
	q := math.Abs(x) / width
	body := smooth(q*q*q*q, 0.2)
	if body == 0 {
		return 0
	}
	d := body * (0.82 + 0.18*v) // thicker towards the abdomen

	// Lungs: narrow at the apex, wide at the base, the base domed by the
	// diaphragm and lowest at the sides.
	lung := 0.0
	for side := -1.0; side <= 1; side += 2 {
		lx, ly := x-side*a.lungX, v-a.lungY
		ry := a.lungRY
		if ly > 0 {
			ry *= 1 + 0.25*side*lx/a.lungRX
		}
		t := min(max(ly/ry, -1), 1)
		rx := a.lungRX * (0.8 + 0.2*t)
		if side*lx < 0 { // medial side is flatter
			rx *= 0.85
		}
		q := lx*lx/(rx*rx) + ly*ly/(ry*ry)
		lung = math.Max(lung, smooth(q, 0.2))
	}
	lung *= 1 + 0.12*a.texture(u, v) // vessels and airways
	// Heart and mediastinum are dense and cover the medial lung.
	hx, hy := (x+a.cx-a.heartX)/a.heartRX, (v-a.heartY)/a.heartRY
	heart := smooth(hx*hx+hy*hy, 0.45)
	media := smooth(x*x/(0.06*0.06), 0.5) * smooth(math.Abs(v-0.35)/0.3, 0.3)
	lung *= 1 - math.Max(heart, media)

	// Ribs: curved bands dropping away from the spine, seen through the lungs
	// and faintly through soft tissue.
	ribs := 0.0
	if ax := math.Abs(x); ax < a.bodyW {
		r := (v - a.ribTop - a.ribCurve*ax*ax + 0.25*ax) / a.ribStep
		if n := math.Floor(r + 0.5); n >= 0 && n < 10 {
			f := math.Abs(r-n) * a.ribStep / a.ribHalf
			if f < 1 {
				ribs = (1 - f*f) * (0.6 + 0.4*(1-n/10))
			}
		}
	}
	// Clavicles: bright bars from the neck out to the shoulders.
	clav := 0.0
	for side := -1.0; side <= 1; side += 2 {
		t := side * x / (a.bodyW * 0.8)
		if t > 0.1 && t < 1 {
			cy := a.bodyTop + 0.1 - 0.05*t
			f := math.Abs(v-cy) / 0.012
			if f < 1 {
				clav = math.Max(clav, 1-f*f)
			}
		}
	}
	// Spine: a bright column with vertebrae.
	spine := math.Exp(-x*x/(2*0.022*0.022)) * (0.85 + 0.15*math.Cos(v*2*math.Pi/0.045))

	d -= a.lungDark * lung * body
	d += 0.16*ribs*(0.4+0.6*lung) + 0.25*clav + 0.3*spine*body + 0.06*heart
	for _, p := range a.patches {
		px, py := x+a.cx-p.x, v-p.y
		d += p.a * a.lungDark * lung * math.Exp(-(px*px+py*py)/(p.r*p.r))
	}
	return d
}

// render draws a w×h synthetic chest X-ray. The anatomy is evaluated on a
// grid of coarse cells and interpolated, so most of the cost is per pixel:
// interpolation and film grain.
func render(w, h int, a *anatomy, seed uint64) *image.Gray {
	const shift = 3
	const cell = 1 << shift // 8x8 pixels per grid cell
	gw, gh := w/cell+2, h/cell+2
	grid := make([]int32, gw*gh) // grey levels ×8
	aspect := float64(w) / float64(h)
	for j := 0; j < gh; j++ {
		for i := 0; i < gw; i++ {
			d := a.density(float64(i*cell)/float64(w), float64(j*cell)/float64(h), aspect)
			d = math.Pow(min(max(d, 0), 1.4)/1.4, a.gamma)
			grid[j*gw+i] = int32(8 * (a.air + (a.tissue+55-a.air)*d))
		}
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	grain := seed | 1
	next := func() uint64 { // xorshift64*
		grain ^= grain >> 12
		grain ^= grain << 25
		grain ^= grain >> 27
		return grain * 2685821657736338717
	}
	noise := int32(a.noise*4 + 0.5) // per unit of n/128, in levels ×512
	row := make([]int32, gw)        // grid interpolated to this pixel row, ×64
	var bits uint64
	for y := 0; y < h; y++ {
		j, fy := y/cell, int32(y%cell)
		g0, g1 := grid[j*gw:(j+1)*gw], grid[(j+1)*gw:(j+2)*gw]
		for i := range row {
			row[i] = g0[i]*(cell-fy) + g1[i]*fy
		}
		out := img.Pix[y*img.Stride : y*img.Stride+w]
		for x := range out {
			i, fx := x>>shift, int32(x&(cell-1))
			v := row[i]*(cell-fx) + row[i+1]*fx // ×512
			if x&3 == 0 {
				bits = next()
			}
			// triangular grain from two random bytes
			n := int32(bits&0xFF) + int32(bits>>8&0xFF) - 255
			bits >>= 16
			v = (v + n*noise + 256) >> 9
			out[x] = uint8(min(max(v, 0), 255))
		}
	}
	if a.marker {
		drawMarker(img, a.markerLeft)
	}
	return img
}

// drawMarker stamps the radiographer's side marker: a bright square with a
// dark letter-like bar, in a top corner.
func drawMarker(img *image.Gray, left bool) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	s := max(w, h) / 40
	x0, y0 := w/20, h/25
	if !left {
		x0 = w - w/20 - s
	}
	for y := y0; y < y0+s; y++ {
		for x := x0; x < x0+s; x++ {
			v := uint8(235)
			dx, dy := x-x0, y-y0
			if (dx > s/4 && dx < s/4+s/6 && dy > s/6 && dy < s-s/6) ||
				(dy > s/6 && dy < s/6+s/6 && dx > s/4 && dx < 3*s/4) {
				v = 40
			}
			img.Pix[y*img.Stride+x] = v
		}
	}
}
