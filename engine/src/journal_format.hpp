// The journal's on-disk layout, shared by its writer and reader. Everything
// is little-endian; integers are stored by copying their bytes, hence the
// refusal to build on a big-endian host rather than silently write files
// that no other machine could read.
//
//   file    = header record*
//   header  = "PARTITA-JOURNAL\n" (16 bytes)  version:u32  length:u32
//             payload[length]  crc:u32
//     payload = id_len:u32 id[id_len]  ver_len:u32 ver[ver_len]
//               outputs_per_task:u32  rank:u32  run:u32
//   record  = magic:u32 (bytes "PTJR")  length:u32  payload[length]  crc:u32
//     payload = kind:u8  task:u64  attempt:u32  then, by kind,
//       result (1):  count:u32  value:f64[count]   (IEEE-754 bits as written)
//                    text bytes (the rest of the payload; version 2 on)
//       failure (2): message bytes (the rest of the payload)
//       crash (3):   message bytes (the rest of the payload)
//
// Version 1 had no text in result records; this build reads both and
// writes version 2.
//
// Every crc is CRC-32 (zlib) over length and payload. The record magic lets
// a reader tell a record start from zeros or garbage a crash left at the end.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace partita::detail::journal {

static_assert(std::endian::native == std::endian::little,
              "the Partita journal is little-endian and is written by copying integers' bytes; "
              "this host is big-endian");

inline constexpr std::string_view file_magic{"PARTITA-JOURNAL\n", 16};
inline constexpr std::uint32_t format_version = 2;
inline constexpr std::uint32_t oldest_readable_version = 1;
inline constexpr std::uint32_t record_magic = 0x524A5450;  // "PTJR" in file order

// Larger lengths are taken as corruption, so a damaged length field cannot
// make a reader swallow the rest of a file or allocate without bound.
inline constexpr std::uint32_t max_payload = 1u << 30;

inline constexpr std::size_t header_prefix = file_magic.size() + 4 + 4;  // magic, version, length
inline constexpr std::size_t record_prefix = 4 + 4;                      // magic, length
inline constexpr std::size_t crc_bytes = 4;
inline constexpr std::size_t common_payload = 1 + 8 + 4;  // kind, task, attempt
inline constexpr std::size_t result_payload_fixed = common_payload + 4;

template <class T>
void put(std::byte* at, T value) noexcept {
  std::memcpy(at, &value, sizeof value);
}

template <class T>
T get(const std::byte* at) noexcept {
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

}  // namespace partita::detail::journal
