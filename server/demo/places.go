package demo

import "github.com/sipas-vn/sipas/server/survey"

// The demo province is TP Cần Thơ after the 01/07/2025 merger with Hậu Giang
// and Sóc Trăng. Codes follow the shape of mã định danh (QĐ 20/2020/QĐ-TTg)
// but are invented: nothing may parse them, so they only need to be valid.

// agencySpec is one agency of the demo tree, with what the response
// generator needs to know about it.
type agencySpec struct {
	key       string // handle for parent and successor links below
	code      string
	legacy    string
	vi, en    string
	kind      survey.AgencyKind
	parent    string
	successor string
	validFrom string
	validTo   string
	surveyID  string
	// quality is the share of satisfied answers the agency earns before
	// noise; spread over 0.72–0.91 so the comparison page has something to rank.
	quality  float64
	counters []counterSpec
}

// counterSpec is one counter and the officers who staff it.
type counterSpec struct {
	code     string
	number   int
	vi, en   string
	perMonth int      // responses in a full month, before noise
	titles   []string // one officer per title
	inactive bool     // closed counters of merged-away agencies
}

const (
	titleCentre   = "Viên chức Trung tâm Phục vụ hành chính công"
	titleSpecial  = "Chuyên viên"
	titleSeconded = "Công chức biệt phái tại Trung tâm"
	titleJustice  = "Công chức Tư pháp – Hộ tịch"
	titleLand     = "Công chức Địa chính – Xây dựng"
	titleOffice   = "Công chức Văn phòng – Thống kê"
	titleCulture  = "Công chức Văn hóa – Xã hội"
)

// places is the demo tree in creation order: parents before children and
// successors before the agencies merged into them.
var places = []agencySpec{
	{key: "city", code: "H17", vi: "UBND thành phố Cần Thơ", en: "People's Committee of Can Tho City",
		kind: survey.KindProvincePC, surveyID: survey.DefaultID},
	{key: "centre", code: "H17.01", parent: "city", kind: survey.KindProvinceCentre, quality: 0.88,
		vi: "Trung tâm Phục vụ hành chính công thành phố Cần Thơ", en: "Can Tho City Public Administrative Service Centre",
		counters: []counterSpec{
			{code: "CT-TT-01", number: 1, vi: "Quầy số 1 – Đất đai", en: "Counter 1 – Land", perMonth: 50,
				titles: []string{titleCentre, titleCentre, titleSeconded}},
			{code: "CT-TT-02", number: 2, vi: "Quầy số 2 – Đăng ký kinh doanh", en: "Counter 2 – Business registration",
				perMonth: 40, titles: []string{titleCentre, titleSeconded}},
			{code: "CT-TT-03", number: 3, vi: "Quầy số 3 – Tư pháp – Hộ tịch", en: "Counter 3 – Justice and civil status",
				perMonth: 30, titles: []string{titleCentre, titleCentre}},
		}},
	{key: "stp", code: "H17.10", parent: "city", kind: survey.KindDepartment, quality: 0.91,
		vi: "Sở Tư pháp", en: "Department of Justice",
		counters: []counterSpec{{code: "CT-STP-01", number: 4, perMonth: 48, titles: []string{titleSeconded, titleSpecial},
			vi: "Quầy số 4 – Sở Tư pháp (lý lịch tư pháp)", en: "Counter 4 – Department of Justice (criminal records)"}}},
	// The Sở NN&MT was formed on 01/03/2025 from the agriculture and the
	// natural-resources departments; land files make it the weakest here.
	{key: "nnmt", code: "H17.11", parent: "city", kind: survey.KindDepartment, quality: 0.72, validFrom: "2025-03-01",
		vi: "Sở Nông nghiệp và Môi trường", en: "Department of Agriculture and Environment",
		counters: []counterSpec{{code: "CT-NNMT-01", number: 5, perMonth: 56, titles: []string{titleSeconded, titleSeconded, titleSpecial},
			vi: "Quầy số 5 – Sở Nông nghiệp và Môi trường", en: "Counter 5 – Department of Agriculture and Environment"}}},
	// Few visitors: its latest month stays under 30 responses, so the
	// dashboard shows a "not reliable" figure.
	{key: "sxd", code: "H17.12", parent: "city", kind: survey.KindDepartment, quality: 0.78,
		vi: "Sở Xây dựng", en: "Department of Construction",
		counters: []counterSpec{{code: "CT-SXD-01", number: 1, perMonth: 16, titles: []string{titleSpecial, titleSpecial},
			vi: "Quầy số 1 – Cấp phép xây dựng (trụ sở Sở)", en: "Counter 1 – Building permits (department office)"}}},
	{key: "ninhkieu", code: "H17.50", parent: "city", kind: survey.KindCommunePC, quality: 0.86, validFrom: "2025-07-01",
		vi: "UBND phường Ninh Kiều", en: "People's Committee of Ninh Kieu Ward",
		counters: []counterSpec{
			{code: "CT-NK-01", number: 1, vi: "Quầy số 1 – Tư pháp – Hộ tịch", en: "Counter 1 – Justice and civil status",
				perMonth: 48, titles: []string{titleJustice, titleJustice, titleOffice}},
			{code: "CT-NK-02", number: 2, vi: "Quầy số 2 – Đất đai – Xây dựng", en: "Counter 2 – Land and construction",
				perMonth: 36, titles: []string{titleLand, titleLand}},
		}},
	{key: "cairang", code: "H17.51", parent: "city", kind: survey.KindCommunePC, quality: 0.80, validFrom: "2025-07-01",
		vi: "UBND phường Cái Răng", en: "People's Committee of Cai Rang Ward",
		counters: []counterSpec{
			{code: "CT-CR-01", number: 1, vi: "Quầy số 1 – Tư pháp – Chứng thực", en: "Counter 1 – Justice and certification",
				perMonth: 32, titles: []string{titleJustice, titleCulture}},
			{code: "CT-CR-02", number: 2, vi: "Quầy số 2 – Đất đai – Kinh tế", en: "Counter 2 – Land and economy",
				perMonth: 22, titles: []string{titleLand, titleOffice}},
		}},
	// The busiest single counter: the 19-item form got too few answers, so
	// the commune switched to the quick rating (assignment is per agency).
	{key: "phongdien", code: "H17.52", parent: "city", kind: survey.KindCommunePC, quality: 0.84, validFrom: "2025-07-01",
		surveyID: "nhanh", vi: "UBND xã Phong Điền", en: "People's Committee of Phong Dien Commune",
		counters: []counterSpec{{code: "CT-PD-01", number: 1, perMonth: 55, titles: []string{titleJustice, titleLand, titleOffice},
			vi: "Quầy số 1 – Tiếp nhận và trả kết quả", en: "Counter 1 – Applications and results"}}},
	{key: "vithanh", code: "H17.53", parent: "city", kind: survey.KindCommunePC, quality: 0.75, validFrom: "2025-07-01",
		vi: "UBND phường Vị Thanh", en: "People's Committee of Vi Thanh Ward",
		counters: []counterSpec{{code: "CT-VT-01", number: 1, perMonth: 28, titles: []string{titleJustice, titleLand},
			vi: "Quầy số 1 – Tiếp nhận và trả kết quả", en: "Counter 1 – Applications and results"}}},
	// Merged into Cần Thơ on 01/07/2025. Their counters are closed but keep
	// their pre-merger responses, which aggregate under the successor.
	{key: "haugiang", code: "H30", legacy: "000.00.00.H30", kind: survey.KindProvincePC, quality: 0.79,
		validTo: "2025-06-30", successor: "city", surveyID: survey.DefaultID,
		vi: "UBND tỉnh Hậu Giang", en: "People's Committee of Hau Giang Province",
		counters: []counterSpec{{code: "HG-TT-01", number: 1, perMonth: 55, inactive: true, titles: []string{titleCentre, titleCentre},
			vi: "Quầy số 1 – Trung tâm Phục vụ hành chính công tỉnh Hậu Giang", en: "Counter 1 – Hau Giang Public Administrative Service Centre"}}},
	{key: "soctrang", code: "H52", legacy: "000.00.00.H52", kind: survey.KindProvincePC, quality: 0.76,
		validTo: "2025-06-30", successor: "city", surveyID: survey.DefaultID,
		vi: "UBND tỉnh Sóc Trăng", en: "People's Committee of Soc Trang Province",
		counters: []counterSpec{{code: "ST-TT-01", number: 1, perMonth: 60, inactive: true, titles: []string{titleCentre, titleCentre},
			vi: "Quầy số 1 – Trung tâm Phục vụ hành chính công tỉnh Sóc Trăng", en: "Counter 1 – Soc Trang Public Administrative Service Centre"}}},
}

// officerNames are common names of the Mekong Delta, Khmer family names
// (Thạch, Sơn, Danh) included; one per officer, in order.
var officerNames = []string{
	"Nguyễn Thị Thu Hà", "Trần Minh Khang", "Lê Hoàng Phúc", "Phạm Thị Ngọc Trâm", "Huỳnh Văn Tài",
	"Võ Thị Kim Ngân", "Đặng Quốc Bảo", "Bùi Thị Mỹ Linh", "Đỗ Thanh Tùng", "Hồ Thị Bích Tuyền",
	"Ngô Văn Lợi", "Dương Thị Cẩm Tú", "Lý Minh Trí", "Châu Thị Hồng Nhung", "Trương Công Danh",
	"Lâm Thị Thanh Thảo", "Phan Văn Hậu", "Mai Thị Diễm My", "Tô Hoàng Nam", "Lưu Thị Ngọc Hân",
	"Thạch Minh Tuấn", "Sơn Thị Phương Thảo", "Nguyễn Văn Út", "Trần Thị Bé Ba", "Lê Thị Kiều Oanh",
	"Cao Minh Nhựt", "Quách Thị Mộng Tuyền", "Tạ Văn Sang", "Huỳnh Thị Thúy Vy", "Nguyễn Hoàng Anh Khoa",
	"Đinh Thị Như Ý", "Võ Minh Luân", "Trịnh Thị Yến Nhi", "Danh Văn Chiến", "Phạm Quốc Thái",
	"Trần Ngọc Hiếu", "Nguyễn Thị Hồng Loan", "Lê Văn Thắng",
}

// userSpec is one demo dashboard account.
type userSpec struct {
	username string
	display  string
	role     survey.Role
	agency   string // key in places; "" = whole province
	email    string // an alert subscription with this address, both channels off (no mail relay in a demo)
}

var users = []userSpec{
	{username: "admin", display: "Quản trị hệ thống – Sở Nội vụ", role: survey.RoleAdmin},
	{username: "sonoivu", display: "Phòng Cải cách hành chính – Sở Nội vụ", role: survey.RoleProvince},
	{username: "lanhdao.ninhkieu", display: "Lãnh đạo UBND phường Ninh Kiều", role: survey.RoleAgencyHead, agency: "ninhkieu",
		email: "lanhdao.ninhkieu@example.com"},
}
