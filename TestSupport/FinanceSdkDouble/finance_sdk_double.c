/*
 * Test double for libWeWorkFinanceSdk_C.so: the same C ABI, backed by a folder that
 * `chatledger simulate` wrote. Build: cc -shared -fPIC -o libWeWorkFinanceSdk_C.so finance_sdk_double.c -lcrypto
 *
 * DecryptData is an independent C implementation of the envelope scheme (protocol reference §3.2)
 * on OpenSSL's EVP API, so comparing it with the Swift implementation is a real cross-check.
 *
 * Environment:
 *   FINANCE_DOUBLE_DIR               folder with chatdata.jsonl and media/ (required for GetChatData/GetMediaData)
 *   FINANCE_DOUBLE_SECRET            the archive secret Init accepts (default "secret")
 *   FINANCE_DOUBLE_NETWORK_FAILURES  the first N GetChatData calls return 10001
 *   FINANCE_DOUBLE_POISON            DecryptData aborts (crashes the process) when encrypt_msg starts with this
 *   FINANCE_DOUBLE_CRASH_AT_CALL     the Nth DecryptData call of the process aborts
 */
#include "WeWorkFinanceSdk_C.h"
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct WeWorkFinanceSdk_t { int initialised; };

static long env_long(const char *name) { const char *v = getenv(name); return v ? atol(v) : 0; }

static int set_slice(Slice_t *slice, const char *data, int len) {
    free(slice->buf);
    slice->buf = malloc((size_t)len + 1);
    if (!slice->buf) return 10003;
    memcpy(slice->buf, data, (size_t)len);
    slice->buf[len] = 0;
    slice->len = len;
    return 0;
}

WeWorkFinanceSdk_t *NewSdk(void) { return calloc(1, sizeof(WeWorkFinanceSdk_t)); }
void DestroySdk(WeWorkFinanceSdk_t *sdk) { free(sdk); }
Slice_t *NewSlice(void) { return calloc(1, sizeof(Slice_t)); }
void FreeSlice(Slice_t *slice) { if (slice) { free(slice->buf); free(slice); } }
char *GetContentFromSlice(Slice_t *slice) { return slice->buf; }
int GetSliceLen(Slice_t *slice) { return slice->len; }
MediaData_t *NewMediaData(void) { return calloc(1, sizeof(MediaData_t)); }
void FreeMediaData(MediaData_t *m) { if (m) { free(m->outindexbuf); free(m->data); free(m); } }
char *GetOutIndexBuf(MediaData_t *m) { return m->outindexbuf; }
char *GetData(MediaData_t *m) { return m->data; }
int GetIndexLen(MediaData_t *m) { return m->out_len; }
int GetDataLen(MediaData_t *m) { return m->data_len; }
int IsMediaDataFinish(MediaData_t *m) { return m->is_finish; }

int Init(WeWorkFinanceSdk_t *sdk, const char *corpid, const char *secret) {
    const char *expected = getenv("FINANCE_DOUBLE_SECRET");
    if (!sdk || !corpid || !secret || !*corpid) return 10000;
    if (strcmp(secret, expected ? expected : "secret") != 0) return 10000;
    sdk->initialised = 1;
    return 0;
}

static char *read_file(const char *path, long *length) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) { buf[n] = 0; *length = n; }
    return buf;
}

static long network_failures_served = 0;

int GetChatData(WeWorkFinanceSdk_t *sdk, unsigned long long seq, unsigned int limit, const char *proxy,
                const char *passwd, int timeout, Slice_t *out) {
    (void)proxy; (void)passwd; (void)timeout;
    if (!sdk || !sdk->initialised || !out) return 10000;
    if (network_failures_served < env_long("FINANCE_DOUBLE_NETWORK_FAILURES")) { network_failures_served++; return 10001; }
    if (limit == 0 || limit > 1000) limit = 1000;
    const char *dir = getenv("FINANCE_DOUBLE_DIR");
    if (!dir) return 10000;
    char path[4096];
    snprintf(path, sizeof path, "%s/chatdata.jsonl", dir);
    long n = 0;
    char *all = read_file(path, &n);
    if (!all) return 10002;
    size_t cap = (size_t)n + 128, used = 0;
    char *json = malloc(cap);
    used += (size_t)sprintf(json, "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[");
    unsigned int count = 0;
    for (char *line = all; line && *line && count < limit;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *at = strstr(line, "\"seq\":");
        if (at && (!end || at < end)) {
            unsigned long long s = strtoull(at + 6, NULL, 10);
            if (s > seq) {
                if (count++) json[used++] = ',';
                memcpy(json + used, line, len);
                used += len;
            }
        }
        line = end ? end + 1 : NULL;
    }
    used += (size_t)sprintf(json + used, "]}");
    int rc = set_slice(out, json, (int)used);
    free(json);
    free(all);
    return rc;
}

/* ---- DecryptData: protocol reference §3.2 ---- */

static int b64value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Standard base64 with trailing '=' ignored; returns the decoded length or -1. */
static long b64decode(const char *in, size_t len, unsigned char *out) {
    while (len > 0 && in[len - 1] == '=') len--;
    if (len % 4 == 1) return -1;
    long o = 0;
    unsigned int acc = 0; int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64value(in[i]);
        if (v < 0) return -1;
        acc = (acc << 6) | (unsigned)v; bits += 6;
        if (bits >= 8) { bits -= 8; out[o++] = (unsigned char)((acc >> bits) & 0xFF); }
    }
    return o;
}

/* AES-256-CBC, IV = first 16 bytes of blob, key = first 32 bytes of key text zero-padded. */
static long aes_cbc_open(const char *keytext, size_t keylen, const unsigned char *blob, long bloblen, unsigned char *out) {
    if (bloblen < 32 || bloblen % 16) return -1;
    unsigned char key[32] = {0};
    memcpy(key, keytext, keylen < 32 ? keylen : 32);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n1 = 0, n2 = 0;
    int ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, blob) == 1
          && EVP_DecryptUpdate(ctx, out, &n1, blob + 16, (int)bloblen - 16) == 1
          && EVP_DecryptFinal_ex(ctx, out + n1, &n2) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? n1 + n2 : -1;
}

static int read_varint(const unsigned char *p, long n, long *i, unsigned long long *v) {
    *v = 0;
    for (int shift = 0; *i < n && shift < 64; shift += 7) {
        unsigned char b = p[(*i)++];
        *v |= (unsigned long long)(b & 0x7F) << shift;
        if (!(b & 0x80)) return 0;
    }
    return -1;
}

static long calls = 0;

int DecryptData(const char *encrypt_key, const char *encrypt_msg, Slice_t *msg) {
    if (!encrypt_key || !encrypt_msg || !msg) return 10000;
    calls++;
    const char *poison = getenv("FINANCE_DOUBLE_POISON");
    if (poison && *poison && strncmp(encrypt_msg, poison, strlen(poison)) == 0) abort();
    if (env_long("FINANCE_DOUBLE_CRASH_AT_CALL") == calls) abort();

    size_t mlen = strlen(encrypt_msg);
    if (mlen <= 45) return 10005;
    size_t klen = strlen(encrypt_key);
    unsigned char *kblob = malloc(klen + 4), *record = malloc(klen + 4);
    long kb = b64decode(encrypt_key, klen, kblob);
    long rl = kb < 0 ? -1 : aes_cbc_open(encrypt_msg + 13, 32, kblob, kb, record);
    free(kblob);
    if (rl < 0) { free(record); return 10008; }

    char k1[256] = {0}; size_t k1len = 0;
    long pre = 0, endlen = 0, s = 0;
    for (long i = 0; i < rl;) {
        unsigned long long key, v;
        if (read_varint(record, rl, &i, &key)) { free(record); return 10005; }
        if ((key & 7) == 2) {
            if (read_varint(record, rl, &i, &v) || i + (long)v > rl) { free(record); return 10005; }
            if ((key >> 3) == 1 && v < sizeof k1) { memcpy(k1, record + i, v); k1len = v; }
            i += (long)v;
        } else if ((key & 7) == 0) {
            if (read_varint(record, rl, &i, &v)) { free(record); return 10005; }
            long value = (long)(int)v;
            if ((key >> 3) == 2) pre = value; else if ((key >> 3) == 3) endlen = value; else if ((key >> 3) == 4) s = value;
        } else { free(record); return 10005; }
    }
    free(record);
    if (s <= 0 || 2 * (size_t)s >= mlen || pre < 0 || endlen < 0 || 45 + (size_t)pre > mlen) return 10005;

    const char *b = encrypt_msg + 45 + pre;
    size_t blen = mlen - 45 - (size_t)pre;
    if (blen < (size_t)s) return 10005;
    char *body = malloc(blen + 1);
    size_t cut = blen - (size_t)s < (size_t)s ? blen - (size_t)s : (size_t)s;
    memcpy(body, b, (size_t)s);
    memcpy(body + s, b + s + cut, blen - (size_t)s - cut);
    size_t bodylen = blen - cut;
    if (bodylen < (size_t)endlen) { free(body); return 10005; }
    bodylen -= (size_t)endlen;

    unsigned char *cblob = malloc(bodylen + 4), *plain = malloc(bodylen + 4);
    long cb = b64decode(body, bodylen, cblob);
    free(body);
    long pl = cb < 0 ? -1 : aes_cbc_open(k1, k1len, cblob, cb, plain);
    free(cblob);
    if (pl < 0) { free(plain); return 10006; }
    int rc = set_slice(msg, (const char *)plain, (int)pl);
    free(plain);
    return rc;
}

/* ---- GetMediaData: 512 KiB chunks addressed by "Range:bytes=start-end" index buffers ---- */

int GetMediaData(WeWorkFinanceSdk_t *sdk, const char *indexbuf, const char *sdkFileid, const char *proxy,
                 const char *passwd, int timeout, MediaData_t *m) {
    (void)proxy; (void)passwd; (void)timeout;
    if (!sdk || !sdk->initialised || !sdkFileid || !m) return 10000;
    const char *dir = getenv("FINANCE_DOUBLE_DIR");
    if (!dir) return 10000;
    unsigned char digest[32];
    SHA256((const unsigned char *)sdkFileid, strlen(sdkFileid), digest);
    char hex[65];
    for (int i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", digest[i]);
    char path[4096];
    snprintf(path, sizeof path, "%s/media/by-fileid/%s", dir, hex);
    long n = 0;
    char *file = read_file(path, &n);
    if (!file) return 10010;
    unsigned long long start = 0, end = 0;
    if (indexbuf && *indexbuf && sscanf(indexbuf, "Range:bytes=%llu-%llu", &start, &end) != 2) { free(file); return 10000; }
    if (start > (unsigned long long)n) { free(file); return 10000; }
    unsigned long long stop = start + 524288 < (unsigned long long)n ? start + 524288 : (unsigned long long)n;
    free(m->data); free(m->outindexbuf);
    m->data_len = (int)(stop - start);
    m->data = malloc((size_t)m->data_len + 1);
    memcpy(m->data, file + start, (size_t)m->data_len);
    m->outindexbuf = malloc(64);
    m->out_len = sprintf(m->outindexbuf, "Range:bytes=%llu-%llu", stop, stop + 524287);
    m->is_finish = stop == (unsigned long long)n;
    free(file);
    return 0;
}
