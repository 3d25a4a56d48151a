package main

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaultsAndPrecedence(t *testing.T) {
	c, err := parseServeConfig(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.Lang != "vi" || c.Demo || c.BaseURL != "http://localhost:8080" {
		t.Errorf("defaults: %+v", c)
	}
	if c.DBPath() != "data/sipas.db" {
		t.Errorf("DBPath = %s", c.DBPath())
	}
	c, err = parseServeConfig([]string{"-addr", "127.0.0.1:9000"}, env(map[string]string{
		"SIPAS_ADDR": ":7000", "SIPAS_DEMO": "1", "SIPAS_LANG": "en", "SIPAS_BASE_URL": "https://khaosat.cantho.gov.vn/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" {
		t.Errorf("flag should beat environment, got %s", c.Addr)
	}
	if !c.Demo || c.Lang != "en" || c.BaseURL != "https://khaosat.cantho.gov.vn" {
		t.Errorf("environment not applied: %+v", c)
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
