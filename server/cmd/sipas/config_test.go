package main

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaultsAndPrecedence(t *testing.T) {
	c, err := parseServeConfig(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.Lang != "vi" || c.Demo || c.BaseURL != "http://localhost:8080" || c.LowResponseRate != 0.1 {
		t.Errorf("defaults: %+v", c)
	}
	if c.DBPath() != "data/sipas.db" {
		t.Errorf("DBPath = %s", c.DBPath())
	}
	c, err = parseServeConfig([]string{"-addr", "127.0.0.1:9000"}, env(map[string]string{
		"SIPAS_ADDR": ":7000", "SIPAS_DEMO": "1", "SIPAS_LANG": "en", "SIPAS_BASE_URL": "https://khaosat.cantho.gov.vn/",
		"SIPAS_LOW_RESPONSE_RATE": "0.25", "SIPAS_PUBLIC": "1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" {
		t.Errorf("flag should beat environment, got %s", c.Addr)
	}
	if !c.Demo || c.Lang != "en" || c.BaseURL != "https://khaosat.cantho.gov.vn" || c.LowResponseRate != 0.25 || !c.Public {
		t.Errorf("environment not applied: %+v", c)
	}
}

func TestConfigAlertSettings(t *testing.T) {
	c, err := parseServeConfig(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Alerts
	if a.Every != time.Minute || a.SilentAfter != 4*time.Hour || a.LowRating != 2 || a.MinRate != 0.3 || a.DigestHour != 7 ||
		a.SMTP.Addr != "" || a.BaseURL != "http://localhost:8080" || !a.Hours.Days[time.Monday] || a.Hours.Days[time.Saturday] || a.Hours.Start != 7*60+30 {
		t.Errorf("alert defaults: %+v", a)
	}
	c, err = parseServeConfig([]string{"-alert-digest-hour", "6"}, env(map[string]string{
		"SIPAS_ALERT_DIGEST_HOUR": "8", "SIPAS_ALERT_HOURS": "mon-sat 07:00-11:30", "SIPAS_ALERT_MIN_RATE": "12.5",
		"SIPAS_SMTP_ADDR": "mail.cantho.gov.vn:587", "SIPAS_SMTP_FROM": "khaosat@cantho.gov.vn",
		"SIPAS_SMTP_USER": "khaosat", "SIPAS_SMTP_PASSWORD": "bí mật",
	}))
	if err != nil {
		t.Fatal(err)
	}
	a = c.Alerts
	if a.DigestHour != 6 || !a.Hours.Days[time.Saturday] || a.Hours.End != 11*60+30 || a.MinRate != 0.125 ||
		a.SMTP.Addr != "mail.cantho.gov.vn:587" || a.SMTP.Password != "bí mật" {
		t.Errorf("alert settings: %+v", a)
	}
}

func TestConfigBadValuesSayWhich(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SIPAS_ADDR": "8080"}, "SIPAS_ADDR"},
		{map[string]string{"SIPAS_ADDR": ":99999"}, "invalid port"},
		{map[string]string{"SIPAS_LANG": "fr"}, "SIPAS_LANG"},
		{map[string]string{"SIPAS_DEMO": "maybe"}, "SIPAS_DEMO"},
		{map[string]string{"SIPAS_BASE_URL": "khaosat.gov.vn"}, "SIPAS_BASE_URL"},
		{map[string]string{"SIPAS_BASE_URL": "ftp://x"}, "SIPAS_BASE_URL"},
		{map[string]string{"SIPAS_LOG_LEVEL": "loud"}, "SIPAS_LOG_LEVEL"},
		{map[string]string{"SIPAS_SHUTDOWN_TIMEOUT": "-1s"}, "SIPAS_SHUTDOWN_TIMEOUT"},
		{map[string]string{"SIPAS_SURVEY_DIR": "/no/such/folder"}, "SIPAS_SURVEY_DIR"},
		{map[string]string{"SIPAS_REPLICA": "/mnt/disk2"}, "SIPAS_REPLICA"},
		{map[string]string{"SIPAS_REPLICA": "file://relative/dir"}, "SIPAS_REPLICA"},
		{map[string]string{"SIPAS_REPLICA": "sftp://host/folder"}, "SIPAS_REPLICA"},
		{map[string]string{"SIPAS_REPLICA": "s3://bucket"}, "SIPAS_REPLICA"},
		{map[string]string{"SIPAS_REPLICA": "gs://bucket/x"}, "SIPAS_REPLICA"},
		{map[string]string{"SIPAS_REPLICA": "file:///mnt/disk2", "SIPAS_REPLICA_MAX_LAG": "soon"}, "SIPAS_REPLICA_MAX_LAG"},
		{map[string]string{"SIPAS_REPLICA": "sftp://u@h/x", "SIPAS_REPLICA_SFTP_KEY": "/no/such/key"}, "SIPAS_REPLICA"},
		{map[string]string{"SIPAS_LOW_RESPONSE_RATE": "10%"}, "SIPAS_LOW_RESPONSE_RATE"},
		{map[string]string{"SIPAS_PUBLIC": "maybe"}, "SIPAS_PUBLIC"},
		{map[string]string{"SIPAS_LOW_RESPONSE_RATE": "0"}, "SIPAS_LOW_RESPONSE_RATE"},
		{map[string]string{"SIPAS_LOW_RESPONSE_RATE": "1.5"}, "SIPAS_LOW_RESPONSE_RATE"},
		{map[string]string{"SIPAS_ALERT_EVERY": "soon"}, "SIPAS_ALERT_EVERY"},
		{map[string]string{"SIPAS_ALERT_SILENT": "0s"}, "SIPAS_ALERT_SILENT"},
		{map[string]string{"SIPAS_ALERT_HOURS": "weekdays"}, "SIPAS_ALERT_HOURS"},
		{map[string]string{"SIPAS_ALERT_LOW_RATING": "5"}, "SIPAS_ALERT_LOW_RATING"},
		{map[string]string{"SIPAS_ALERT_MIN_RATE": "120"}, "SIPAS_ALERT_MIN_RATE"},
		{map[string]string{"SIPAS_ALERT_DIGEST_HOUR": "24"}, "SIPAS_ALERT_DIGEST_HOUR"},
		{map[string]string{"SIPAS_SMTP_ADDR": "mail.cantho.gov.vn"}, "SIPAS_SMTP_ADDR"},
		{map[string]string{"SIPAS_SMTP_ADDR": "mail.cantho.gov.vn:587"}, "SIPAS_SMTP_FROM"},
		{map[string]string{"SIPAS_SMTP_ADDR": "mail.cantho.gov.vn:587", "SIPAS_SMTP_FROM": "khaosat"}, "SIPAS_SMTP"},
		{map[string]string{"SIPAS_SMTP_USER": "khaosat"}, "SIPAS_SMTP"},
	}
	for _, tc := range cases {
		_, err := parseServeConfig(nil, env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want it to mention %q", tc.env, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error should be one sentence, got %q", tc.env, err)
		}
	}
}

func TestConfigReplica(t *testing.T) {
	c, err := parseServeConfig([]string{"-replica", "sftp://backup:secret@10.0.0.2:2222/srv/sipas"}, env(map[string]string{"SIPAS_REPLICA_MAX_LAG": "30s"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Replica.Enabled() || c.Replica.MaxLag.Seconds() != 30 {
		t.Errorf("replica settings: %+v", c.Replica)
	}
	if c, _ := parseServeConfig(nil, env(nil)); c.Replica.Enabled() || c.Replica.MaxLag.Seconds() != 10 {
		t.Errorf("default: no replica, 10s max lag; got %+v", c.Replica)
	}
	if _, err := parseServeConfig(nil, env(map[string]string{"SIPAS_REPLICA": "sftp://backup:secret@h/x", "SIPAS_REPLICA_SFTP_KEY": "/nope"})); err != nil && strings.Contains(err.Error(), "secret") {
		t.Errorf("the password leaks into the error: %v", err)
	}
}
