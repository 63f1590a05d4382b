/* fuzz_args.c — libFuzzer target: the command-line text parsers.
 *
 * The input, as a NUL-terminated string (cut at its first NUL), goes to
 * ptw_parse_hex, ptw_parse_process_spec and ptw_mode_find.  The hex parser
 * is checked against a reference reading of its contract ("a hex address,
 * with or without 0x", WinDbg's ` separators allowed, at most 64 bits);
 * what either parser accepts must survive a round trip through printf.
 * The whole input (NULs included) is also a `!process 0 0` listing for
 * ptw_parse_process_listing: what it accepts prints back as a listing
 * that parses to the same processes.
 */
#include "fuzz_common.h"

#include <ctype.h>
#include <inttypes.h>

/* The reference: REF_OK and *out when text is [0x|0X] then hex digits and
 * backticks holding at least one digit and at most 16 significant ones. */
enum ref { REF_OK, REF_BAD, REF_NO_DIGITS };

static enum ref ref_parse_hex(const char *text, uint64_t *out)
{
	const char *p = text;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	uint64_t v = 0;
	unsigned digits = 0, significant = 0;
	for (; *p; p++) {
		if (*p == '`')
			continue;
		if (!isxdigit((unsigned char)*p))
			return REF_BAD;
		digits++;
		unsigned c = (unsigned)tolower((unsigned char)*p);
		unsigned x = c <= '9' ? c - '0' : c - 'a' + 10;
		if (significant == 0 && x == 0)
			continue;
		if (++significant > 16)
			return REF_BAD;
		v = v << 4 | x;
	}
	if (digits == 0)
		return REF_NO_DIGITS;
	*out = v;
	return REF_OK;
}

static void check_hex(const char *text)
{
	uint64_t v = 0xdeadbeef, ref = 0;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_parse_hex(text, &v, &err);
	enum ref r = ref_parse_hex(text, &ref);
	bool want = r == REF_OK;
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_CHECK(rc == PTW_ERR_INVALID);
		FUZZ_CHECK(v == 0xdeadbeef); /* untouched */
	}
	FUZZ_CHECK((rc == 0) == want);
	FUZZ_CHECK(ptw_parse_hex(text, &v, NULL) == rc);
	if (rc)
		return;
	FUZZ_CHECK(v == ref);
	char buf[40];
	uint64_t back = 0;
	snprintf(buf, sizeof buf, "%" PRIx64, v);
	FUZZ_CHECK(ptw_parse_hex(buf, &back, NULL) == 0 && back == v);
	snprintf(buf, sizeof buf, "0X%016" PRIX64, v);
	FUZZ_CHECK(ptw_parse_hex(buf, &back, NULL) == 0 && back == v);
}

static void check_spec(const char *text)
{
	struct ptw_process_spec spec, again;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_parse_process_spec(text, &spec, &err);
	FUZZ_CHECK(ptw_parse_process_spec(text, &again, NULL) == rc);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_CHECK(rc == PTW_ERR_INVALID);
		return;
	}
	FUZZ_CHECK(spec.cid >= 0);
	FUZZ_CHECK(memchr(spec.name, '\0', sizeof spec.name) != NULL);
	/* CID:DIRBASE[:NAME]: the name is everything after the second colon. */
	const char *c1 = strchr(text, ':');
	FUZZ_CHECK(c1 != NULL);
	const char *c2 = strchr(c1 + 1, ':');
	FUZZ_CHECK(strcmp(spec.name, c2 ? c2 + 1 : "") == 0);
	/* The DIRBASE field parses alone to the same value. */
	char field[64];
	size_t n = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
	FUZZ_CHECK(n < sizeof field);
	memcpy(field, c1 + 1, n);
	field[n] = '\0';
	uint64_t v;
	FUZZ_CHECK(ptw_parse_hex(field, &v, NULL) == 0 && v == spec.dirbase);
	/* And the spec prints back to itself. */
	char buf[160];
	snprintf(buf, sizeof buf, "%" PRId64 ":%" PRIx64 "%s%s", spec.cid,
		 spec.dirbase, c2 ? ":" : "", spec.name);
	FUZZ_CHECK(ptw_parse_process_spec(buf, &again, NULL) == 0);
	FUZZ_CHECK(again.cid == spec.cid && again.dirbase == spec.dirbase &&
		   strcmp(again.name, spec.name) == 0);
}

/* Print specs as WinDbg would and parse them again. */
static void check_listing_round_trip(const struct ptw_process_spec *v, size_t n)
{
	size_t cap = n * 256 + 1, len = 0;
	char *text = malloc(cap);
	FUZZ_CHECK(text != NULL);
	for (size_t i = 0; i < n; i++) {
		/* A name is cut where the parser would cut it (a newline) and
		 * loses blanks at its end; so does the copy we compare with. */
		len += (size_t)snprintf(text + len, cap - len,
					"PROCESS %" PRIx64 "\n    Cid: %" PRIx64 "  ParentCid: %" PRIx64
					"\n    DirBase: %" PRIx64 "\n    Image: %s\n\n",
					v[i].object, (uint64_t)v[i].cid,
					(uint64_t)(v[i].ppid < 0 ? 0 : v[i].ppid), v[i].dirbase,
					v[i].name);
	}
	struct ptw_process_spec *w;
	size_t m;
	FUZZ_CHECK(ptw_parse_process_listing(text, len, &w, &m, NULL) == 0);
	FUZZ_CHECK(m == n);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(w[i].cid == v[i].cid && w[i].dirbase == v[i].dirbase &&
			   w[i].object == v[i].object);
		FUZZ_CHECK(w[i].ppid == (v[i].ppid < 0 ? 0 : v[i].ppid));
	}
	free(w);
	free(text);
}

static void check_listing(const uint8_t *data, size_t size)
{
	struct ptw_process_spec *v = NULL;
	size_t n = 0;
	struct ptw_error err = { .code = -1 };
	int rc = ptw_parse_process_listing((const char *)data, size, &v, &n, &err);
	if (rc) {
		fuzz_check_error(rc, &err);
		FUZZ_CHECK(rc == PTW_ERR_INVALID && v == NULL);
		return;
	}
	FUZZ_CHECK(n > 0 && v != NULL);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(v[i].cid >= 0 && v[i].ppid >= -1);
		FUZZ_CHECK(memchr(v[i].name, '\0', sizeof v[i].name) != NULL);
		FUZZ_CHECK(strchr(v[i].name, '\n') == NULL);
	}
	check_listing_round_trip(v, n);
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	check_listing(data, size);
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_hex(text);
	check_spec(text);
	/* A mode found by name is the one its id names (AArch64's: its
	 * granule and VA size; a nested table's: its level count), and its
	 * own name finds it again. */
	const struct ptw_mode *m = ptw_mode_find(text);
	if (m) {
		FUZZ_CHECK(m->id == PTW_MODE_AARCH64
				   ? ptw_mode_aarch64(m->page_shift, m->va_bits - 1) == m
			   : m->id == PTW_MODE_NPT
				   ? ptw_mode_get(m->id)->nlevels == 4 && (m->nlevels == 4 || m->nlevels == 5)
				   : ptw_mode_get(m->id) == m);
		FUZZ_CHECK(ptw_mode_find(m->name) == m);
	}
	free(text);
	return 0;
}
