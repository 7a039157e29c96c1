#include "partita/detail/crc32.hpp"

#include <array>

namespace partita::detail {

namespace {

// Slicing-by-8: eight tables let the loop fold eight bytes per step instead of
// one, which keeps a 45-byte journal record's checksum to a few nanoseconds.
// Table k maps a byte to its CRC contribution when k zero bytes follow it.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][i] = c;
  }
  for (std::uint32_t i = 0; i < 256; ++i) {
    for (std::size_t k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu];
  }
  return t;
}

constexpr Tables tables = make_tables();

constexpr std::uint32_t byte_at(std::span<const std::byte> data, std::size_t i) {
  return static_cast<std::uint32_t>(data[i]);
}

}  // namespace

std::uint32_t crc32(std::span<const std::byte> data, std::uint32_t previous) noexcept {
  std::uint32_t c = ~previous;
  std::size_t i = 0;
  // Assembling the words byte by byte keeps this independent of alignment
  // and of the host's byte order; compilers turn it into plain loads.
  for (; i + 8 <= data.size(); i += 8) {
    const std::uint32_t lo = c ^ (byte_at(data, i) | byte_at(data, i + 1) << 8 |
                                  byte_at(data, i + 2) << 16 | byte_at(data, i + 3) << 24);
    const std::uint32_t hi = byte_at(data, i + 4) | byte_at(data, i + 5) << 8 |
                             byte_at(data, i + 6) << 16 | byte_at(data, i + 7) << 24;
    c = tables[7][lo & 0xFFu] ^ tables[6][(lo >> 8) & 0xFFu] ^ tables[5][(lo >> 16) & 0xFFu] ^
        tables[4][lo >> 24] ^ tables[3][hi & 0xFFu] ^ tables[2][(hi >> 8) & 0xFFu] ^
        tables[1][(hi >> 16) & 0xFFu] ^ tables[0][hi >> 24];
  }
  for (; i < data.size(); ++i) c = tables[0][(c ^ byte_at(data, i)) & 0xFFu] ^ (c >> 8);
  return ~c;
}

}  // namespace partita::detail
