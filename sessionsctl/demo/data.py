"""The sample data the demo centre is made of: names, subjects, rooms, reasons and remarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.domain.model import SessionType

if TYPE_CHECKING:
    pass

DOMAIN = "northfield-tutoring.example"
TERM_WEEKS = 14
WEEKS_BEFORE_TODAY = 6  # the term starts on the Monday this many weeks before today's week

SUBJECTS = ("Mathematics", "English", "Physics", "Chemistry", "Biology", "Computer Science")
# The mentors' specialisms: Mathematics and English are what most families ask for.
SPECIALISMS = ("Mathematics", "Mathematics", "Mathematics", "English", "English", "Physics",
               "Chemistry", "Biology", "Computer Science", "Physics")
# How likely a student is to take each subject.
INTEREST = {"Mathematics": 0.75, "English": 0.5, "Physics": 0.3, "Chemistry": 0.3,
            "Biology": 0.3, "Computer Science": 0.25}
ROOMS = (("Study Room 1", 2), ("Study Room 2", 2), ("Study Room 3", 2), ("Newton Room", 6),
         ("Curie Room", 8), ("Lovelace Lab", 10), ("Austen Room", 12), ("Main Hall", 30))
SMALL_ROOMS = tuple(name for name, seats in ROOMS if seats <= 2)
GROUP_ROOMS = tuple(name for name, seats in ROOMS if 2 < seats < 30)
HALL = "Main Hall"
SEATS = dict(ROOMS)
STUDENTS = 100
MAX_WEEKLY_LESSONS = 3  # per student
MAX_MENTOR_SLOTS = 7  # weekly lessons per mentor (each teaches 5 to 7)
REMOTE_ZONES = ("America/New_York", "Asia/Dubai", "America/Toronto", "Europe/Madrid")

FIRST_NAMES = (
    "Amelia", "Oliver", "Ananya", "Mohammed", "Zara", "Kwame", "Siobhán", "Chloé", "Isla", "Noah",
    "Aarav", "Freya", "Yusuf", "Grace", "Hiroshi", "Priya", "Jack", "Leila", "Tomasz", "Imogen",
    "Kofi", "Mei", "Harry", "Aisha", "Rory", "Sofia", "Dev", "Niamh", "Emeka", "Zoë", "Arjun",
    "Poppy", "Ibrahim", "Layla", "Callum", "Fatima", "Ethan", "Ruby", "Bilal", "Evie", "Oskar",
    "Amara", "Theo", "Hana", "Samuel", "Ines", "Rohan", "Maya", "Finley", "Nia", "Adebayo",
    "Elif", "George", "Jasmine", "Luca", "Saanvi", "Alfie", "Chidi", "Lily", "Kenji", "Eleanor",
    "Omar", "Martha", "Rahul", "Ffion", "Darius", "Esme", "Tariq", "Hannah", "Mateo", "Ava",
)
SURNAMES = (
    "Patel", "Okafor", "O'Connor", "Nguyen", "Smith", "Kowalski", "Begum", "Clarke-Jones",
    "Mensah", "Fraser", "Hussain", "Taylor", "Zhang", "Evans", "Chaudhry", "Murphy", "Adeyemi",
    "Wright", "Sato", "Khan", "MacLeod", "Nowak", "Ahmed", "Robinson", "Ferreira", "Singh",
    "Walsh", "Osei", "Bennett", "Rahman", "Kaur", "Lewis", "Abara", "Hughes", "Yilmaz", "Price",
    "Da Silva", "Campbell", "Iqbal", "Morgan", "Chen", "Doyle", "Ogunleye", "Shah", "Harrison",
    "Kim", "Reid", "Mahmood", "Baker", "Novak", "Thompson", "Ali", "Sharma", "Gallagher",
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BANDS = {"KS3": (7, 8, 9), "GCSE": (10, 11), "A level": (12, 13)}
YEAR_WEIGHTS = {7: 7, 8: 9, 9: 12, 10: 20, 11: 24, 12: 15, 13: 13}

CANCEL_REASONS = {
    SessionType.INDIVIDUAL: ("Student unwell, parent phoned in the morning",
                             "Family holiday", "Mentor unwell",
                             "Student has a school concert"),
    SessionType.GROUP: ("Mentor unwell, no cover available", "Centre closed: heating failure",
                        "Room unavailable (water leak), lesson moved to next week"),
    SessionType.WORKSHOP: ("Too few sign-ups", "Guest speaker unavailable"),
}
LATE_NOTES = ("Bus delayed", "Traffic on the ring road", "Came straight from football practice",
              "School detention ran over", None)
ABSENT_NOTES = ("No message from family; front desk to follow up", None, None)
EXCUSED_NOTES = ("Dentist appointment", "School trip", "Unwell, parent emailed in advance",
                 "Mock exams at school this week")
CATEGORIES = ("clarity", "pace", "engagement")
FEEDBACK_TEXT = {
    5: ("Really clear explanations, I finally get it.",
        "Great session, loved the practice questions.", "Best lesson this term!", None),
    4: ("Helpful, but a bit fast at the end.", "Good lesson, would like more past papers.",
        "Useful worked examples.", None),
    3: ("OK, some parts were confusing.", "Fine, but the room was noisy.", None),
    2: ("Too fast for me, I got lost halfway.", "We ran out of time for my questions."),
    1: ("Did not find this useful.",),
}
MENTOR_NOTES = ("Good progress this week; set homework from chapter 4.",
                "Needs more practice on exam-style questions.",
                "Worked well as a group; revisit the last topic next week.")
