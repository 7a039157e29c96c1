// Agreement across the ranks of a Context: every rank learns the same answer
// to "did this hold anywhere / everywhere?", so that a failure on one rank
// becomes the same decision on every rank and none is left waiting in a
// later collective. Every function here is collective on ctx.comm(): every
// rank calls it, in the same order relative to the other collectives on that
// communicator, from the thread that calls MPI (MPI_THREAD_FUNNELED).
#pragma once

#include <exception>
#include <string_view>

#include "partita/context.hpp"

namespace partita {

/// True on every rank if `flag` is true on any rank. Collective.
/// Serial equivalent: result = false; for (r : ranks) result |= flag[r];
bool any_rank(const Context& ctx, bool flag);

/// True on every rank if `flag` is true on every rank. Collective.
/// Serial equivalent: result = true; for (r : ranks) result &= flag[r];
bool all_ranks(const Context& ctx, bool flag);

/// The lowest rank where `flag` is true, or -1 where it is true nowhere; the
/// same on every rank. Collective.
int first_rank(const Context& ctx, bool flag);

/// Turns an error caught on some ranks into an exception on every rank.
/// Collective. If `error` is null on every rank, returns. Otherwise every rank
/// throws: a rank holding an error rethrows its own (its type is kept), and
/// the others throw partita::RankFailed "<where>: rank R failed: <message>", with
/// R the lowest failing rank and its exception's what(). Typical use:
///   std::exception_ptr error;
///   try { local_work(); } catch (...) { error = std::current_exception(); }
///   rethrow_on_every_rank(ctx, error, "my_step");  // no rank runs ahead
void rethrow_on_every_rank(const Context& ctx, const std::exception_ptr& error, std::string_view where);

}  // namespace partita
