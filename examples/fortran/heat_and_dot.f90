! A Fortran host code that calls Partita through its C API: a reproducible
! dot product of a vector spread over the ranks, and the heat equation on a
! grid split over them. It prints each number with its bit pattern, which
! cxx_twin (the same computation through the C++ API) must match exactly.
module heat_setup
  use, intrinsic :: iso_c_binding
  implicit none
contains
  ! Step 0: the top edge (row 0) at 1, everything else at 0. Called from
  ! several threads at once: a pure function of its arguments.
  integer(c_int) function initial(row, col, user, value) bind(c)
    integer(c_int64_t), value :: row, col
    type(c_ptr), value :: user
    real(c_double), intent(out) :: value
    value = 0.0_c_double
    if (row == 0) value = 1.0_c_double
    initial = 0
  end function
end module heat_setup

program heat_and_dot
  use mpi
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: int64, error_unit
  use partita_c
  use heat_setup
  implicit none

  integer(c_int64_t), parameter :: n = 100000, nx = 64, ny = 48, steps = 200
  integer :: ierr, provided, rank, size
  integer(c_int64_t) :: first, last, i
  real(c_double), allocatable :: x(:), y(:), field(:)
  real(c_double) :: dot, max_change, field_sum
  type(c_ptr) :: runtime, heat

  call MPI_Init_thread(MPI_THREAD_FUNNELED, provided, ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, size, ierr)
  call check(partita_start_f(MPI_COMM_WORLD, 0_c_int, runtime), "partita_start_f")

  ! This rank's block of x(i) = 1 / (i + 1), y(i) = (-1)^i i, i = 0 .. n-1.
  first = n * rank / size
  last = n * (rank + 1) / size
  allocate(x(last - first), y(last - first))
  do i = first, last - 1
    x(i - first + 1) = 1.0_c_double / real(i + 1, c_double)
    y(i - first + 1) = real(i, c_double) * merge(1.0_c_double, -1.0_c_double, mod(i, 2_int64) == 0)
  end do
  call check(partita_dot(runtime, x, y, last - first, dot), "partita_dot")

  call check(partita_heat_create(runtime, nx, ny, 0.25_c_double, c_funloc(initial), c_null_ptr, heat), &
             "partita_heat_create")
  call check(partita_heat_step(heat, steps, max_change), "partita_heat_step")
  if (rank == 0) then
    allocate(field(nx * ny))
  else
    allocate(field(1))
  end if
  call check(partita_heat_gather(heat, 0_c_int, field), "partita_heat_gather")
  ! The field's sum, reproducibly: rank 0 holds all of it, the others nothing.
  call check(partita_sum(runtime, field, merge(nx * ny, 0_c_int64_t, rank == 0), field_sum), "partita_sum")

  if (rank == 0) then
    call show("dot", dot)
    call show("heat max_change", max_change)
    call show("heat center", field((ny / 2) * nx + nx / 2 + 1))
    call show("heat sum", field_sum)
  end if
  call check(partita_heat_free(heat), "partita_heat_free")
  call check(partita_stop(runtime), "partita_stop")
  call MPI_Finalize(ierr)

contains

  subroutine check(status, what)
    integer(c_int), intent(in) :: status
    character(len=*), intent(in) :: what
    if (status /= PARTITA_OK) then
      write(error_unit, '(a, ": status ", i0, ": ", a)') what, status, partita_error_text()
      call MPI_Abort(MPI_COMM_WORLD, 1, ierr)
    end if
  end subroutine

  ! "name = value [bits]": the bits make the comparison with C++ exact.
  subroutine show(name, value)
    character(len=*), intent(in) :: name
    real(c_double), intent(in) :: value
    write(*, '(a, " = ", es24.16e3, " [", z16.16, "]")') name, value, transfer(value, 0_int64)
  end subroutine

end program heat_and_dot
