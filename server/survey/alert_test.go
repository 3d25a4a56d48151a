package survey

import "testing"

func TestSubscriptionValidate(t *testing.T) {
	for _, c := range []struct {
		name  string
		sub   Subscription
		field string // "" = valid
	}{
		{"e-mail on", Subscription{Email: " lanhdao@cantho.gov.vn ", EmailOn: true, Lang: "vi"}, ""},
		{"address kept while off", Subscription{Email: "lanhdao@cantho.gov.vn", Lang: "en"}, ""},
		{"webhook only", Subscription{WebhookURL: "https://hooks.cantho.gov.vn/sipas", Lang: "vi"}, ""},
		{"nothing at all", Subscription{Lang: "vi"}, ""},
		{"on without an address", Subscription{EmailOn: true, Lang: "vi"}, "email"},
		{"not an address", Subscription{Email: "lanhdao", Lang: "vi"}, "email"},
		{"a name and an address", Subscription{Email: "Lãnh đạo <lanhdao@cantho.gov.vn>", Lang: "vi"}, "email"},
		{"ftp webhook", Subscription{WebhookURL: "ftp://hooks.cantho.gov.vn", Lang: "vi"}, "webhook_url"},
		{"relative webhook", Subscription{WebhookURL: "/hooks", Lang: "vi"}, "webhook_url"},
		{"credentials in the URL", Subscription{WebhookURL: "https://u:p@hooks.cantho.gov.vn", Lang: "vi"}, "webhook_url"},
		{"unknown language", Subscription{Lang: "fr"}, "lang"},
	} {
		err := c.sub.Validate()
		var field string
		if e, ok := err.(*Error); ok {
			field = e.Field
		} else if err != nil {
			t.Errorf("%s: %v is not a field error", c.name, err)
		}
		if field != c.field {
			t.Errorf("%s: field %q, want %q", c.name, field, c.field)
		}
	}
}
