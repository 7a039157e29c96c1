! Fortran interfaces to Partita's C API (partita/c/partita.h) through
! ISO_C_BINDING: the subset this example uses. Every function returns a
! status, PARTITA_OK (0) on success; partita_error_text() gives the message.
module partita_c
  use, intrinsic :: iso_c_binding
  implicit none
  private
  public :: PARTITA_OK, partita_start_f, partita_stop, partita_sum, partita_dot, &
            partita_heat_create, partita_heat_step, partita_heat_gather, partita_heat_free, &
            partita_error_text

  integer(c_int), parameter :: PARTITA_OK = 0

  interface
    ! comm: a Fortran MPI handle (MPI_Fint), e.g. MPI_COMM_WORLD from `use mpi`.
    integer(c_int) function partita_start_f(comm, threads, runtime) bind(c, name="partita_start_f")
      import :: c_int, c_ptr
      integer(c_int), value :: comm
      integer(c_int), value :: threads
      type(c_ptr), intent(out) :: runtime
    end function

    integer(c_int) function partita_stop(runtime) bind(c, name="partita_stop")
      import :: c_int, c_ptr
      type(c_ptr), value :: runtime
    end function

    integer(c_int) function partita_sum(runtime, x, n_local, result) bind(c, name="partita_sum")
      import :: c_int, c_ptr, c_double, c_int64_t
      type(c_ptr), value :: runtime
      real(c_double), intent(in) :: x(*)
      integer(c_int64_t), value :: n_local
      real(c_double), intent(out) :: result
    end function

    integer(c_int) function partita_dot(runtime, x, y, n_local, result) bind(c, name="partita_dot")
      import :: c_int, c_ptr, c_double, c_int64_t
      type(c_ptr), value :: runtime
      real(c_double), intent(in) :: x(*), y(*)
      integer(c_int64_t), value :: n_local
      real(c_double), intent(out) :: result
    end function

    ! initial: c_funloc of a bind(c) function (row, col, user, value) -> status.
    integer(c_int) function partita_heat_create(runtime, nx, ny, alpha, initial, user, heat) &
        bind(c, name="partita_heat_create")
      import :: c_int, c_ptr, c_funptr, c_double, c_int64_t
      type(c_ptr), value :: runtime
      integer(c_int64_t), value :: nx, ny
      real(c_double), value :: alpha
      type(c_funptr), value :: initial
      type(c_ptr), value :: user
      type(c_ptr), intent(out) :: heat
    end function

    integer(c_int) function partita_heat_step(heat, steps, max_change) bind(c, name="partita_heat_step")
      import :: c_int, c_ptr, c_double, c_int64_t
      type(c_ptr), value :: heat
      integer(c_int64_t), value :: steps
      real(c_double), intent(out) :: max_change
    end function

    ! field: nx * ny values on rank `root`, row-major in C terms, i.e.
    ! field(col + nx * row + 1) in Fortran.
    integer(c_int) function partita_heat_gather(heat, root, field) bind(c, name="partita_heat_gather")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: heat
      integer(c_int), value :: root
      real(c_double), intent(out) :: field(*)
    end function

    integer(c_int) function partita_heat_free(heat) bind(c, name="partita_heat_free")
      import :: c_int, c_ptr
      type(c_ptr), value :: heat
    end function

    type(c_ptr) function partita_last_error() bind(c, name="partita_last_error")
      import :: c_ptr
    end function

    integer(c_size_t) function c_strlen(text) bind(c, name="strlen")
      import :: c_size_t, c_ptr
      type(c_ptr), value :: text
    end function
  end interface

contains

  ! The calling thread's last error message, as a Fortran string.
  function partita_error_text() result(text)
    character(len=:), allocatable :: text
    type(c_ptr) :: message
    character(kind=c_char), pointer :: chars(:)
    integer :: i, n
    message = partita_last_error()
    n = int(c_strlen(message))
    call c_f_pointer(message, chars, [n])
    allocate(character(len=n) :: text)
    do i = 1, n
      text(i:i) = chars(i)
    end do
  end function

end module partita_c
