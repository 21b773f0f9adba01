"""Business hours: weekly opening hours per site or queue, public holidays (French ones
built in, movable feasts computed), exceptional closures and openings. Pure: a calendar
answers "is it open at this instant?" for the engine's overflow rules and for the
callback calling hours."""

from acd.core.hours.calendar import Calendar, Closure, Opening
from acd.core.hours.holidays import HOLIDAY_SETS, easter, holidays

__all__ = ["HOLIDAY_SETS", "Calendar", "Closure", "Opening", "easter", "holidays"]
