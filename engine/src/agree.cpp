#include "partita/agree.hpp"

#include <algorithm>
#include <climits>
#include <string>

#include "partita/error.hpp"

namespace partita {

namespace {

// What an exception says, for a message sent to ranks that did not see it.
std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace

bool any_rank(const Context& ctx, bool flag) {
  int local = flag ? 1 : 0;
  int global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_LOR, ctx.comm());
  return global != 0;
}

bool all_ranks(const Context& ctx, bool flag) {
  int local = flag ? 1 : 0;
  int global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_LAND, ctx.comm());
  return global != 0;
}

int first_rank(const Context& ctx, bool flag) {
  int local = flag ? ctx.rank() : INT_MAX;
  int lowest = INT_MAX;
  MPI_Allreduce(&local, &lowest, 1, MPI_INT, MPI_MIN, ctx.comm());
  return lowest == INT_MAX ? -1 : lowest;
}

void rethrow_on_every_rank(const Context& ctx, const std::exception_ptr& error, std::string_view where) {
  const int failed = first_rank(ctx, error != nullptr);
  if (failed < 0) return;
  // Only the reporting rank's message travels: one message, the same on
  // every rank that did not fail itself.
  std::string message = ctx.rank() == failed ? message_of(error) : std::string();
  // An int count; a longer message is cut, not sent in pieces.
  int length = static_cast<int>(std::min<std::size_t>(message.size(), 1u << 20));
  MPI_Bcast(&length, 1, MPI_INT, failed, ctx.comm());
  message.resize(static_cast<std::size_t>(length));
  MPI_Bcast(message.data(), length, MPI_CHAR, failed, ctx.comm());
  if (error) std::rethrow_exception(error);
  throw RankFailed(failed, std::string(where) + ": rank " + std::to_string(failed) + " failed: " + message);
}

}  // namespace partita
