/* SHA-256 rounds on the x86 SHA extensions, 1, 2 and 3 independent
 * streams interleaved round for round, with the block PF bytes ahead
 * fetched (PF=0: not) -- the measurement behind src/sha_pair.rs's
 * AHEAD (session 24). Timing only: the states are not checked (the
 * Rust kernel is, against sha2, in its tests).
 *
 *   for pf in 0 256 512 1024; do
 *     gcc -O3 -march=native -DPF=$pf -o /tmp/sha_pf bench/kernels/sha_prefetch.c && /tmp/sha_pf | tail -1
 *   done
 *
 * "stream": 64 MB buffers just written (out of the core's caches);
 * "cached": 16 KB summed again and again. GB/s of all streams together. */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifndef PF
#define PF 1024
#endif
static const uint32_t K[64] = {
0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2};
/* N-way lockstep compress of nblocks blocks each */
#define GEN(N) \
__attribute__((target("sha,sse4.1"))) static void comp##N(__m128i st0[N], __m128i st1[N], const uint8_t *p[N], size_t nblocks){ \
  const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL); \
  for (size_t b=0;b<nblocks;b++){ \
    if (PF) for(int j=0;j<N;j++) _mm_prefetch((const char*)(p[j]+b*64+PF), _MM_HINT_T0); \
    __m128i s0[N], s1[N], m[N][4], a0[N], a1[N]; \
    for(int j=0;j<N;j++){ s0[j]=st0[j]; s1[j]=st1[j]; a0[j]=s0[j]; a1[j]=s1[j]; \
      for(int i=0;i<4;i++) m[j][i]=_mm_shuffle_epi8(_mm_loadu_si128((const __m128i*)(p[j]+b*64+16*i)),MASK);} \
    _Pragma("GCC unroll 16") for(int r=0;r<16;r++){ \
      __m128i k = _mm_loadu_si128((const __m128i*)&K[4*r]); \
      _Pragma("GCC unroll 4") for(int j=0;j<N;j++){ \
        __m128i w; \
        if (r>=4) { __m128i t = _mm_sha256msg1_epu32(m[j][r%4], m[j][(r+1)%4]); \
          t = _mm_add_epi32(t, _mm_alignr_epi8(m[j][(r+3)%4], m[j][(r+2)%4], 4)); \
          m[j][r%4] = _mm_sha256msg2_epu32(t, m[j][(r+3)%4]); } \
        w = _mm_add_epi32(m[j][r%4], k); \
        s1[j] = _mm_sha256rnds2_epu32(s1[j], s0[j], w); \
        w = _mm_shuffle_epi32(w, 0x0E); \
        s0[j] = _mm_sha256rnds2_epu32(s0[j], s1[j], w); } } \
    for(int j=0;j<N;j++){ st0[j]=_mm_add_epi32(s0[j],a0[j]); st1[j]=_mm_add_epi32(s1[j],a1[j]); } } }
GEN(1) GEN(2) GEN(3) GEN(4)

static double now(){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+t.tv_nsec*1e-9;}
int main(){
  size_t len = 64<<20; uint8_t *buf[4]; for(int i=0;i<4;i++){buf[i]=malloc(len); memset(buf[i],i+1,len);}
  __m128i a[4],b[4]; for(int i=0;i<4;i++){a[i]=_mm_set1_epi32(i);b[i]=_mm_set1_epi32(i+7);}
  for(int rep=0;rep<3;rep++){
  double t=now(); const uint8_t*p1[1]={buf[0]}; comp1(a,b,p1,len/64); double t1=now()-t;
  t=now(); const uint8_t*p2[2]={buf[0],buf[1]}; comp2(a,b,p2,len/64); double t2=now()-t;
  t=now(); const uint8_t*p3[3]={buf[0],buf[1],buf[2]}; comp3(a,b,p3,len/64); double t3=now()-t;
  /* cached: 16 KB reused */
  t=now(); for(size_t o=0;o<len;o+=16384){ const uint8_t*q[1]={buf[3]}; comp1(a,b,q,256);} double tc=now()-t;
  t=now(); for(size_t o=0;o<len;o+=16384){ const uint8_t*q[2]={buf[3],buf[3]+16384}; comp2(a,b,q,256);} double tc2=now()-t;
  printf("PF=%d: stream 1-way %.2f GB/s 2-way %.2f 3-way %.2f | cached 1-way %.2f 2-way %.2f\n", PF, len/t1/1e9, 2*len/t2/1e9, 3*len/t3/1e9, len/tc/1e9, 2*len/tc2/1e9);}
  int x=0; for(int i=0;i<4;i++) x+=_mm_cvtsi128_si32(a[i])+_mm_cvtsi128_si32(b[i]); return x==12345;
}
