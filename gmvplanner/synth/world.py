"""The generated world's fixed tables: subcategories, channels, customer classes, sale days, holidays, and `SynthConfig`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "SubcategorySpec",
    "ChannelSpec",
    "CustomerClass",
    "SUBCATEGORY_SPECS",
    "CHANNEL_SPECS",
    "CUSTOMER_CLASSES",
    "NEW_SHARE_BY_CHANNEL",
    "NEW_SHARE_OTHER_CHANNELS",
    "NEW_SHARE_OF_BASE_ORDERS",
    "FULL_SCALE_ORDERS",
    "SALES_2014",
    "SALES_2015",
    "HOLIDAYS",
    "SynthConfig",
]


class SubcategorySpec(NamedTuple):
    """One product subcategory of the generated shop.

    Attributes:
        category: its product_analytic_category.
        order_share: its share of all orders (the shares are normalised over the subcategories generated).
        median_mrp: median MRP of its products, rupees.
        verticals: its product_analytic_vertical values, most common first.
    """

    category: str
    order_share: float
    median_mrp: float
    verticals: tuple[str, ...]


class ChannelSpec(NamedTuple):
    """One media channel's spend pattern and true effect.

    Attributes:
        weekly_level_crore: typical weekly spend in crore at full scale (`FULL_SCALE_ORDERS`).
        decay: carry-over of its effect from one week to the next (geometric adstock).
        half_saturation_multiple: the spend at half saturation, as a multiple of the weekly level.
        roi: true ROI (rupees of GMV per rupee) at the weekly level.
        volatility: spread of its week-to-week moves (sigma of a lognormal).
    """

    weekly_level_crore: float
    decay: float
    half_saturation_multiple: float
    roi: float
    volatility: float


class CustomerClass(NamedTuple):
    """A kind of customer: how many new customers are of it, how often they come back, how long they stay.

    Attributes:
        share_of_new: share of new customers in this class.
        return_weight: relative chance of coming back.
        mean_active_days: mean days from a first order to the last.
    """

    share_of_new: float
    return_weight: float
    mean_active_days: float


SUBCATEGORY_SPECS: dict[str, SubcategorySpec] = {
    "CameraAccessory": SubcategorySpec(
        "CameraAccessory",
        0.15,
        1400.0,
        (
            "CameraBattery",
            "CameraTripod",
            "Lens",
            "Flash",
            "CameraBag",
            "CameraBatteryCharger",
            "Filter",
            "CameraRemoteControl",
            "CameraMount",
            "Strap",
        ),
    ),
    "HomeAudio": SubcategorySpec(
        "EntertainmentSmall",
        0.09,
        3500.0,
        ("HomeAudioSpeaker", "FMRadio", "HiFiSystem", "HomeTheatre", "BoomBox", "DockingStation", "Dock"),
    ),
    "GamingAccessory": SubcategorySpec(
        "GamingHardware",
        0.13,
        1600.0,
        (
            "GamePad",
            "GamingHeadset",
            "GamingMouse",
            "GamingKeyboard",
            "GamingAccessoryKit",
            "GamingMemoryCard",
            "GamingMousePad",
            "JoystickGamingWheel",
            "GamingAdapter",
        ),
    ),
    "Speaker": SubcategorySpec("EntertainmentSmall", 0.28, 1100.0, ("LaptopSpeaker", "MobileSpeaker")),
    "Camera": SubcategorySpec(
        "Camera", 0.07, 18000.0, ("DSLR", "Point & Shoot", "Instant Cameras", "Camcorders", "SportsAndAction")
    ),
    "TVVideoSmall": SubcategorySpec(
        "EntertainmentSmall",
        0.09,
        2200.0,
        ("SelectorBox", "RemoteControl", "VideoGlasses", "VideoPlayer", "TVOutCableAccessory"),
    ),
    "GameCDDVD": SubcategorySpec("GameCDDVD", 0.07, 1900.0, ("PhysicalGame", "CodeInTheBoxGame")),
    "AudioMP3Player": SubcategorySpec("EntertainmentSmall", 0.12, 1700.0, ("AudioMP3Player", "VoiceRecorder", "Microphone")),
}

CHANNEL_SPECS: dict[str, ChannelSpec] = {
    "TV": ChannelSpec(0.15, 0.6, 1.0, 0.6, 0.8),
    "Digital": ChannelSpec(0.08, 0.3, 1.0, 1.1, 0.8),
    "Sponsorship": ChannelSpec(0.35, 0.5, 1.0, 0.35, 0.8),
    "Content Marketing": ChannelSpec(0.03, 0.5, 1.0, 0.8, 0.8),
    "Online marketing": ChannelSpec(0.25, 0.2, 1.0, 1.4, 0.8),
    "Affiliates": ChannelSpec(0.08, 0.1, 1.0, 1.8, 0.8),
    "SEM": ChannelSpec(0.18, 0.0, 1.0, 2.4, 0.8),
    "Radio": ChannelSpec(0.03, 0.4, 1.0, 0.2, 0.8),
    "Other": ChannelSpec(0.10, 0.3, 1.0, 0.1, 0.8),
}

CUSTOMER_CLASSES: dict[str, CustomerClass] = {
    "occasional": CustomerClass(0.65, 1.0, 120.0),
    "regular": CustomerClass(0.28, 4.0, 360.0),
    "loyal": CustomerClass(0.07, 14.0, 900.0),
}
# the share of the orders each channel brings that are new customers' first orders: broad-reach channels find new
# customers, search and affiliates mostly catch people who already buy here
NEW_SHARE_BY_CHANNEL = {
    "TV": 0.9,
    "Digital": 0.75,
    "Sponsorship": 0.9,
    "Content Marketing": 0.7,
    "Online marketing": 0.6,
    "Affiliates": 0.5,
    "SEM": 0.35,
    "Radio": 0.85,
    "Other": 0.7,
}
NEW_SHARE_OTHER_CHANNELS = 0.7
NEW_SHARE_OF_BASE_ORDERS = 0.3  # of the other orders, this share is a first order

FULL_SCALE_ORDERS = 1_650_000  # about the real ElecKart file's order rows

# (first day, days, name) of each special sale
SALES_2014 = [
    ("2014-07-28", 2, "Eid & Rathayatra sale"),
    ("2014-08-15", 3, "Independence Sale"),
    ("2014-08-09", 2, "Rakshabandhan Sale"),
    ("2014-10-02", 3, "Daussera sale"),
    ("2014-10-18", 8, "Big Diwali Sale"),
    ("2014-12-25", 10, "Christmas & New Year Sale"),
    ("2015-01-24", 3, "Republic Day"),
    ("2015-02-01", 2, "BED"),
    ("2015-02-14", 2, "Valentine's Day"),
    ("2015-02-20", 2, "FHSD"),
    ("2015-03-07", 3, "BSD-5"),
    ("2015-05-25", 3, "Pacman"),
]
SALES_2015 = [
    ("2015-07-18", 2, "Eid & Rathayatra sale"),
    ("2015-08-15", 3, "Independence Sale"),
    ("2015-08-28", 3, "Rakshabandhan Sale"),
    ("2015-10-15", 3, "Daussera sale"),
    ("2015-11-07", 8, "Big Diwali Sale"),
    ("2015-12-25", 10, "Christmas & New Year Sale"),
    ("2016-01-20", 3, "Republic Day"),
    ("2016-02-01", 2, "BED"),
    ("2016-02-14", 2, "Valentine's Day"),
    ("2016-02-20", 2, "FHSD"),
    ("2016-03-07", 3, "BSD-5"),
    ("2016-05-25", 3, "Pacman"),
]
HOLIDAYS = [
    ("2014-07-29", "Id-Ul-Fitr"),
    ("2014-08-15", "Independence Day"),
    ("2014-08-17", "Krishna Janmastami"),
    ("2014-08-29", "Ganesh Chaturthi"),
    ("2014-10-02", "Mahatma Gandhi Jayanthi"),
    ("2014-10-03", "Vijaya Dashami"),
    ("2014-10-23", "Diwali"),
    ("2014-11-06", "Guru Nanak Jayanthi"),
    ("2014-12-25", "Christmas"),
    ("2015-01-26", "Republic Day"),
    ("2015-02-17", "Maha Shivratri"),
    ("2015-03-06", "Holi"),
    ("2015-04-03", "Good Friday"),
    ("2015-05-01", "May Day"),
    ("2015-07-18", "Id-Ul-Fitr"),
    ("2015-08-15", "Independence Day"),
    ("2015-09-05", "Krishna Janmastami"),
    ("2015-09-17", "Ganesh Chaturthi"),
    ("2015-10-02", "Mahatma Gandhi Jayanthi"),
    ("2015-10-22", "Vijaya Dashami"),
    ("2015-11-11", "Diwali"),
    ("2015-12-25", "Christmas"),
    ("2016-01-26", "Republic Day"),
    ("2016-03-07", "Maha Shivratri"),
    ("2016-03-24", "Holi"),
    ("2016-03-25", "Good Friday"),
    ("2016-05-01", "May Day"),
    ("2016-05-21", "Buddha Purnima"),
]


@dataclass
class SynthConfig:
    """What to generate: the window, the number of orders and the seed.

    Attributes:
        start, end: first and last day of the orders, YYYY-MM-DD.
        n_orders: about how many order rows (before the faults add some); media spend scales with it.
        seed: the random seed; the same config writes the same bytes.
        subcategories: which of `SUBCATEGORY_SPECS` to generate.
        messy: add the real file's faults (blank GMV, duplicates, out-of-window dates, impossible values).
        world: the benchmark world of the true media effect (`synth.worlds`; "today" is the original generator).
    """

    start: str = "2014-07-01"
    end: str = "2016-06-30"
    n_orders: int = FULL_SCALE_ORDERS
    seed: int = 7
    subcategories: tuple[str, ...] = tuple(SUBCATEGORY_SPECS)
    messy: bool = True
    world: str = "today"
