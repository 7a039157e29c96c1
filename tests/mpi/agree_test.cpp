// The public agreement collectives (partita/agree.hpp): the same answer on
// every rank, whichever ranks hold the flag or the error.
#include "partita/agree.hpp"

#include <gtest/gtest.h>
#include <mpi.h>

#include <exception>
#include <stdexcept>
#include <string>

#include "mpi_test.hpp"
#include "partita/detail/owned_gather.hpp"
#include "partita/error.hpp"

namespace {

using partita::testing::on_all_ranks;
using partita::testing::ranks_failing;

TEST(Agree, AnyAllAndFirstRankAgreeEverywhere) {
  const partita::Context ctx(MPI_COMM_WORLD);
  const int last = ctx.size() - 1;
  const bool on_last = ctx.rank() == last;
  bool ok = partita::any_rank(ctx, on_last) && !partita::any_rank(ctx, false) && partita::any_rank(ctx, true);
  ok = ok && partita::all_ranks(ctx, true) && !partita::all_ranks(ctx, !on_last) &&
       partita::all_ranks(ctx, on_last) == (ctx.size() == 1);
  ok = ok && partita::first_rank(ctx, on_last) == last && partita::first_rank(ctx, false) == -1 &&
       partita::first_rank(ctx, true) == 0 && partita::first_rank(ctx, ctx.rank() >= last / 2) == last / 2;
  // Callers of the old detail name still compile and agree.
  ok = ok && partita::detail::any_rank(ctx, on_last);
  ASSERT_TRUE(on_all_ranks(ok)) << "wrong on ranks " << ranks_failing(ok);
}

// The failing rank keeps its own exception's type; the others learn who
// failed and why from one partita::Error.
TEST(Agree, RethrowOnEveryRankNamesTheLowestFailingRank) {
  const partita::Context ctx(MPI_COMM_WORLD);
  partita::rethrow_on_every_rank(ctx, nullptr, "nothing");  // returns everywhere
  const int failing = ctx.size() / 2;
  std::exception_ptr error;
  if (ctx.rank() >= failing) error = std::make_exception_ptr(std::out_of_range("rank " + std::to_string(ctx.rank())));
  std::string message;
  bool own = false;
  try {
    partita::rethrow_on_every_rank(ctx, error, "step");
  } catch (const std::out_of_range& e) {
    own = true;
    message = e.what();
  } catch (const partita::Error& e) {
    message = e.what();
  }
  const bool ok = ctx.rank() >= failing
                      ? own && message == "rank " + std::to_string(ctx.rank())
                      : !own && message == "step: rank " + std::to_string(failing) + " failed: rank " +
                                               std::to_string(failing);
  ASSERT_TRUE(on_all_ranks(ok)) << "rank " << ctx.rank() << " caught '" << message << "'; wrong on ranks "
                                << ranks_failing(ok);
}

// Something that is not a std::exception still reaches every rank.
TEST(Agree, RethrowOnEveryRankRelaysForeignExceptions) {
  const partita::Context ctx(MPI_COMM_WORLD);
  std::exception_ptr error;
  if (ctx.rank() == 0) error = std::make_exception_ptr(42);
  std::string message;
  try {
    partita::rethrow_on_every_rank(ctx, error, "step");
  } catch (int value) {
    message = std::to_string(value);
  } catch (const partita::Error& e) {
    message = e.what();
  }
  const bool ok = ctx.rank() == 0 ? message == "42"
                                  : message == "step: rank 0 failed: an exception that is not a std::exception";
  ASSERT_TRUE(on_all_ranks(ok)) << "rank " << ctx.rank() << " caught '" << message << "'";
}

}  // namespace
