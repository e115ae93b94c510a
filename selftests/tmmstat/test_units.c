// tmmstat's formatting pieces on their own: human units, display widths,
// aligned tables and the JSON writer (checked by a strict parser).
#include <stdio.h>

#include "../../tools/tmmstat/json.c"
#include "../../tools/tmmstat/table.c"
#include "../../tools/tmmstat/units.c"
#include "json_check.h"
#include "kselftest_harness.h"

static int count_newlines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

TEST(durations_in_human_units)
{
	static const struct {
		uint64_t ns;
		const char *text;
	} cases[] = {
	    {0, "0"},
	    {1, "1ns"},
	    {999, "999ns"},
	    {1000, "1.00µs"},
	    {1234, "1.23µs"},
	    {12345, "12.3µs"},
	    {123456, "123µs"},
	    {999499, "999µs"},
	    {999500, "1.00ms"},
	    {4560000, "4.56ms"},
	    {999499999, "999ms"},
	    {999500000, "1.00s"},
	    {1230000000, "1.23s"},
	    {59990000000ull, "60.0s"},
	    {123000000000ull, "2m03s"},
	    {18720000000000ull, "5h12m"},
	    {UINT64_MAX, "5124095h34m"},
	};
	char buf[UNITS_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		EXPECT_STREQ(cases[i].text, format_ns(cases[i].ns, buf));
}

TEST(display_width_counts_columns_not_bytes)
{
	EXPECT_EQ(0u, display_width(""));
	EXPECT_EQ(6u, display_width("1.23µs"));
	EXPECT_EQ(7u, strlen("1.23µs"));
	EXPECT_EQ(1u, display_width("█"));
}

TEST(table_columns_line_up_with_multibyte_units)
{
	static const char *const heads[] = {"NAME", "TIME", NULL};
	char *text = NULL, *second, *third;
	struct table t;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	ASSERT_NE(NULL, out);
	table_init(&t, heads, "lr");
	table_row(&t);
	table_cell(&t, "a");
	table_cell(&t, "1.23µs");
	table_line(&t, "  free line");
	table_row(&t);
	table_cell(&t, "longer");
	table_cell(&t, "5ms");
	EXPECT_EQ(EINVAL, table_cell(&t, "one too many"));
	table_print(&t, out);
	table_free(&t);
	fclose(out);
	EXPECT_STREQ("NAME      TIME\n"
		     "a       1.23µs\n"
		     "  free line\n"
		     "longer     5ms\n",
		     text);
	second = strchr(text, '\n') + 1;
	third = strchr(strchr(second, '\n') + 1, '\n') + 1;
	EXPECT_EQ(display_width("NAME      TIME"), (size_t)(strchr(third, '\n') - third));
	free(text);
}

TEST(json_writer_output_parses_strictly)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	struct jval *doc;
	struct json j;

	ASSERT_NE(NULL, out);
	json_init(&j, out);
	json_begin_object(&j, NULL);
	json_u64(&j, "big", UINT64_MAX);
	json_i64(&j, "neg", -1);
	json_string(&j, "esc", "quote\" backslash\\ tab\t nl\n ctl\x01 µ");
	json_null(&j, "none");
	json_begin_array(&j, "list");
	json_u64(&j, NULL, 1);
	json_begin_object(&j, NULL);
	json_end_object(&j);
	json_begin_array(&j, NULL);
	json_end_array(&j);
	json_end_array(&j);
	json_end_object(&j);
	/* A second document: JSON Lines, no stray comma. */
	json_begin_object(&j, NULL);
	json_u64(&j, "n", 2);
	json_end_object(&j);
	fclose(out);

	ASSERT_EQ(2, count_newlines(text));
	*strchr(text, '\n') = '\0';
	doc = json_parse(text);
	ASSERT_NE(NULL, doc) TH_LOG("%s", text);
	EXPECT_EQ(UINT64_MAX, jnum(doc, "big"));
	EXPECT_EQ(1, jget(doc, "neg")->negative);
	EXPECT_EQ((int)J_NULL, (int)jget(doc, "none")->type);
	EXPECT_EQ(3u, jget(doc, "list")->n);
	EXPECT_NE(NULL, strstr(jstr(doc, "esc"), "quote\" backslash\\"));
	j_free(doc);
	doc = json_parse(text + strlen(text) + 1);
	ASSERT_NE(NULL, doc);
	EXPECT_EQ(2u, jnum(doc, "n"));
	j_free(doc);
	free(text);
}

TEST(the_json_checker_is_strict)
{
	static const char *const bad[] = {
	    "",		"{",   "{\"a\":1,}", "[1,]",	  "{a:1}", "[01]",
	    "\"\x01\"", "nul", "{} {}",	     "[\"\\x\"]", "[1 2]",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jval *v = json_parse(bad[i]);

		EXPECT_EQ(NULL, v) TH_LOG("accepted: %s", bad[i]);
		j_free(v);
	}
}

TEST_HARNESS_MAIN
