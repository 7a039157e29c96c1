// CRC-32 with zlib's polynomial (reflected 0xEDB88320), written here so the
// journal needs no new dependency. Same values as zlib's crc32(), so a
// journal can be checked with any standard tool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace partita::detail {

/// CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before
/// it; 0 to start), exactly as zlib's crc32(previous, data, size).
/// Thread-safe (pure). crc32("123456789") == 0xCBF43926.
std::uint32_t crc32(std::span<const std::byte> data, std::uint32_t previous = 0) noexcept;

}  // namespace partita::detail
