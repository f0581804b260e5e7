"""Input data: the reading contract, orders, media, calendars, weekly tables; cleaning and spend allocation."""
