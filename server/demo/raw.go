package demo

import (
	"encoding/binary"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/sipas-vn/sipas/server/survey"
)

// rawBody is a submission as the kiosk and the phone form send it, with the
// fields of collect.Request in the same order: marshalled, it is both the
// stored Raw and the canonical form the submission path hashes, so a demo
// response and a real one carry comparable content hashes. A one-time
// receipt code ("token") is left out: the demo issues none.
type rawBody struct {
	ID         string         `json:"id"`
	Survey     string         `json:"survey"`
	Version    string         `json:"version"`
	Channel    survey.Channel `json:"channel"`
	Counter    string         `json:"counter,omitempty"`
	Officer    string         `json:"officer,omitempty"`
	Lang       string         `json:"lang,omitempty"`
	AnsweredAt string         `json:"answered_at,omitempty"`
	Partial    bool           `json:"partial,omitempty"`
	Answers    survey.Answers `json:"answers"`
	Comment    string         `json:"comment,omitempty"`
}

// uuidV7 lays out a UUIDv7 (RFC 9562) from the answer time and the PRNG:
// uuid.NewV7 reads the clock and crypto/rand, which would make the demo
// differ from run to run.
func uuidV7(rng *rand.Rand, t time.Time) string {
	var u uuid.UUID
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(u[:6], ms[2:])
	binary.BigEndian.PutUint16(u[6:8], uint16(rng.Uint32()))
	binary.BigEndian.PutUint64(u[8:], rng.Uint64())
	u[6] = u[6]&0x0f | 0x70 // version 7
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u.String()
}

// Comments citizens write in "Ý kiến khác": praise, complaints and
// suggestions of the kind one-stop counters receive. None names a person.
var (
	praiseVI = []string{
		"Cán bộ hướng dẫn tận tình, hồ sơ được giải quyết nhanh. Cảm ơn.",
		"Nhân viên lịch sự, vui vẻ, giải thích rõ ràng.",
		"Thủ tục nhanh gọn hơn trước nhiều, rất hài lòng.",
		"Chỗ ngồi chờ thoáng mát, có nước uống, cảm ơn Trung tâm.",
		"Được trả kết quả sớm hơn ngày hẹn.",
		"Cán bộ hỗ trợ người già nộp hồ sơ trực tuyến rất chu đáo.",
		"Hướng dẫn một lần là hiểu, không phải đi lại nhiều.",
		"Nơi tiếp nhận sạch sẽ, có bảng hướng dẫn rõ ràng.",
		"Cảm ơn các anh chị ở bộ phận một cửa đã hỗ trợ tận tình.",
		"Lấy số thứ tự tự động, không phải chen lấn như trước.",
		"Nộp hồ sơ qua VNeID thuận tiện, đến chỉ việc nhận kết quả.",
		"Mong cơ quan tiếp tục phát huy.",
		"Cán bộ nhiệt tình, giải đáp hết các thắc mắc của tôi.",
		"Không phải đóng thêm khoản nào ngoài quy định, rất minh bạch.",
	}
	complaintVI = []string{
		"Chờ hơn một tiếng mới tới lượt, cần bố trí thêm quầy vào buổi sáng.",
		"Phải bổ sung hồ sơ hai lần vì lần đầu hướng dẫn chưa đầy đủ.",
		"Hồ sơ đất đai trả trễ hẹn mà không được báo trước.",
		"Máy lấy số bị hỏng, người dân phải tự xếp hàng.",
		"Bãi giữ xe chật, trời mưa không có chỗ che.",
		"Đề nghị niêm yết rõ mức lệ phí ngay tại quầy.",
		"Cán bộ trả lời cộc lốc, chưa nhiệt tình.",
		"Cổng dịch vụ công trực tuyến hay bị lỗi, phải đến nộp trực tiếp.",
		"Không biết hồ sơ đang xử lý tới đâu, gọi điện không ai nghe máy.",
		"Phòng chờ nóng, thiếu quạt, người lớn tuổi ngồi lâu rất mệt.",
		"Nên có người hướng dẫn ở cửa cho người lần đầu đến.",
		"Thủ tục sang tên quyền sử dụng đất còn nhiều giấy tờ, đề nghị đơn giản hơn.",
		"Buổi chiều cán bộ ra quầy trễ so với giờ làm việc niêm yết.",
		"Phải đi lại giữa nhiều bộ phận mới xong việc.",
		"Cần bố trí quầy ưu tiên cho người cao tuổi và người khuyết tật.",
		"Đã gửi phản ánh hơn một tháng nhưng chưa nhận được trả lời.",
	}
	praiseEN = []string{
		"Staff were friendly and explained everything clearly.",
		"Quick and well organised, thank you.",
		"Very helpful with the online application.",
	}
	complaintEN = []string{
		"Long wait, and the queue numbers were confusing.",
		"I had to come back twice because a document was missing from the instructions.",
		"Please provide guidance in English at the counter.",
	}
)

// comment picks a comment that fits the answers given: praise from the
// satisfied, complaints and suggestions from the others, mostly.
func comment(rng *rand.Rand, lang string, satisfied bool, maxLen int) string {
	praise, complaint := praiseVI, complaintVI
	if lang == "en" {
		praise, complaint = praiseEN, complaintEN
	}
	// 85% of comments match the answers; the rest do not, as in real forms
	// ("hài lòng" everywhere, then a complaint about parking).
	fitting := rng.Float64() < 0.85
	pool := complaint
	if satisfied == fitting {
		pool = praise
	}
	c := []rune(pool[rng.IntN(len(pool))])
	if maxLen > 0 && len(c) > maxLen {
		c = c[:maxLen]
	}
	return string(c)
}
