"""Generate the engagement demo files: social_posts.csv, engagement_activities.csv and
service_stages.csv, in their upload templates' columns (docs/CONVENTIONS.md).

Run from anywhere:  python data/demo/generate_engagement.py   (after generate.py: the posts are
scaled from the monthly channel figures in observations.csv, so a post never has more reach or
engagements than its channel had that month).

Deterministic (random.Random seeded per key), standard library only, no network. Everything is
ILLUSTRATIVE except the rows that name a published report as their source: the two
collaborative workshops of the CJVSF Strengthening Engagement Transition Project final report
(Glasgow 50 and Ayrshire 41 participants) and West Dunbartonshire's 2016-17 scoping activities
as its participation statement records them.
"""

from __future__ import annotations

import csv
import random
import zlib
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent
ILLUSTRATIVE = "Illustrative demo data - not official statistics"
SEED001 = ("Criminal Justice Voluntary Sector Forum: Strengthening Engagement Transition Project "
           "final report")
SEED004 = ("West Dunbartonshire community justice partnership: participation statement "
           "(2016-17 scoping work)")
GLASGOW, AYRSHIRE, WEST_DUNBARTONSHIRE = "S12000049", "CJP-AYR", "S12000039"
EAST, NORTH, SOUTH = "S12000008", "S12000021", "S12000028"
AREAS = [GLASGOW, AYRSHIRE, EAST, NORTH, SOUTH, WEST_DUNBARTONSHIRE]
SHORT = {GLASGOW: "gcj", AYRSHIRE: "cjap", EAST: "ea", NORTH: "na", SOUTH: "sa",
         WEST_DUNBARTONSHIRE: "wd"}
CHANNELS = {"X/Twitter": "x", "Facebook": "fb", "LinkedIn": "li", "Instagram": "ig"}
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
TOPICS = [
    "Unpaid work teams finished the community garden in {place} this week",
    "Join us at the Recovery Walk on Saturday: everyone welcome",
    "Our new community justice outcome improvement plan is out: have your say",
    "Community Justice Awareness Week: how unpaid work gives back to {place}",
    "Thank you to everyone who came to the third sector networking event",
    "Read our latest e-bulletin: stories from people rebuilding their lives",
    "Diversion from prosecution: what it is and why it works",
    "Meet the peer mentors supporting people leaving custody",
    "Survey: do you know what community justice services are near you?",
    "Families affected by imprisonment: where to find support in {place}",
    "Partnership conference: slides and recordings now online",
    "Volunteering opportunity with our partners in {place}",
]
PLACES = {GLASGOW: "Glasgow", AYRSHIRE: "Ayrshire", EAST: "East Ayrshire", NORTH: "North Ayrshire",
          SOUTH: "South Ayrshire", WEST_DUNBARTONSHIRE: "West Dunbartonshire"}


def rng(*key) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, key)).encode()) + 20240331)


def monthly_channels() -> dict:
    """(indicator, area, 'Mar 2025', channel) -> value, from observations.csv."""
    figures = {}
    with open(OUT_DIR / "observations.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["indicator_id"] in ("eng_social_reach", "eng_social_engagements") and \
                    row["breakdown"].startswith("channel:"):
                figures[(row["indicator_id"], row["area_code"], row["period"],
                         row["breakdown"][len("channel:"):])] = float(row["value"])
    return figures


def posts() -> list[dict]:
    figures = monthly_channels()
    rows = []
    for area in AREAS:
        for year, month in [(y, m) for y in (2023, 2024, 2025) for m in range(1, 13)
                            if (2023, 4) <= (y, m) <= (2025, 3)]:
            label = f"{MONTHS[month - 1]} {year}"
            for channel, code in CHANNELS.items():
                reach = figures.get(("eng_social_reach", area, label, channel))
                engaged = figures.get(("eng_social_engagements", area, label, channel))
                if not reach or not engaged:
                    continue  # no account on this channel that month
                r = rng("post", area, label, channel)
                for n in range(2):
                    day = r.randint(1, 28)
                    share = r.uniform(0.04, 0.22)
                    impressions = round(reach * share)
                    engagements = round(engaged * share * r.uniform(0.7, 1.6))
                    engagements = min(engagements, impressions)
                    post_id = f"{SHORT[area]}-{code}-{year}{month:02d}-{n + 1}"
                    rows.append({
                        "channel": channel, "post_id": post_id, "area": area,
                        "posted": f"{day:02d}/{month:02d}/{year}",
                        "text": r.choice(TOPICS).format(place=PLACES[area]),
                        "impressions": impressions, "engagements": engagements,
                        "clicks": round(engagements * r.uniform(0.05, 0.25)),
                        "link": f"https://example.org/{SHORT[area]}/posts/{post_id}",
                        "source": ILLUSTRATIVE})
    return rows


NSCE = ["Inclusion", "Support", "Planning", "Working together", "Methods", "Communication",
        "Impact"]
C1, C2, C3 = ("People who have committed offences", "Local communities impacted by offending",
              "Victims of crime")
C4, C5, C6 = ("Third sector organisations", "Public sector organisations",
              "Other communities of interest")


def activity(area, ref, text, level, communities, status, lead, purpose, start, end, standards,
             attendance, who, learning, source=ILLUSTRATIVE) -> dict:
    return {"area": area, "activity_id": ref, "activity": text, "level": level,
            "communities": "; ".join(communities), "status": status, "lead": lead,
            "purpose": purpose, "start_period": start, "end_period": end,
            "standards": "; ".join(standards), "attendance": attendance,
            "who_involved": who, "learning_points": "; ".join(learning), "source": source}


def activities() -> list[dict]:
    """Community Justice Glasgow's engagement strategy's outline action plan (its methods,
    levels and communities) for Glasgow and the Ayrshire partnership, the real workshops of the
    CJVSF Strengthening Engagement Transition Project final report, and the scoping activities
    of West Dunbartonshire's participation statement."""
    rows = [
        activity(GLASGOW, "GCJ-2016-W", "Glasgow Collaborative Workshop on the transition plan "
                 "(Glasgow City Chambers)", "Engage", [C4, C5], "Complete",
                 "CJVSF project officer", "Increased participation of third sector "
                 "organisations in the transition to the new model", "19/04/2016", "",
                 ["Inclusion", "Working together", "Methods"], 50,
                 "Statutory and third sector organisations; Glasgow CJA; Glasgow City Council",
                 ["Third sector organisations want to be involved at an early stage of redesign",
                  "Co-production and co-location were raised as ways to a shared vision"],
                 SEED001),
        activity(AYRSHIRE, "CJAP-2016-W", "Ayrshire Collaborative Workshop (Ayr)", "Engage",
                 [C4, C5], "Complete", "CJVSF project officer",
                 "Increased participation of third sector organisations in the transition",
                 "23/02/2016", "", ["Inclusion", "Working together", "Methods"], 41,
                 "Statutory and third sector organisations; South West CJA; South Ayrshire "
                 "Council", ["Partners need to know what services are delivered and where"],
                 SEED001),
    ]
    glasgow = [
        ("01", "Face-to-face focus groups with people on community payback orders", "Consult",
         [C1], "Complete", "Engagement officer", "Increased influence of people with convictions "
         "on unpaid work placements", "01/05/2023", "30/09/2023",
         ["Inclusion", "Support", "Methods", "Impact"], 34, "Justice social work; Turning Point "
         "Scotland", ["Evening sessions reached people in work", "Travel costs were a barrier"]),
        ("02", "Public meetings through Glasgow Community Planning Partnership sector "
         "partnerships", "Inform", [C2], "Complete", "Partnership manager",
         "Increased knowledge and understanding of community justice among local communities and "
         "elected members", "01/06/2023", "31/03/2024", ["Communication", "Planning"], 120,
         "Sector partnerships; elected members", ["Short case studies held attention better "
         "than statistics"]),
        ("03", "Criminal and Community Justice 3rd Sector Forum: CJOIP priorities", "Engage",
         [C4], "Complete", "Third sector forum chair", "Increased decision making by third "
         "sector organisations on CJOIP priorities", "01/09/2023", "31/03/2024",
         ["Working together", "Planning", "Inclusion"], 38, "3rd Sector Forum members",
         ["Forum members want papers two weeks ahead"]),
        ("04", "Service entry and exit questionnaires", "Consult", [C1, C6], "In progress",
         "Performance officer", "Service users' views used to improve services",
         "01/10/2023", "31/03/2026", ["Methods", "Impact"], "", "Justice social work; "
         "throughcare services", ["Response rate at exit is low"]),
        ("05", "Social media campaign for Community Justice Awareness Week", "Inform", [C2, C3],
         "Complete", "Communications officer", "Increased knowledge and understanding among "
         "the public", "01/11/2023", "30/11/2023", ["Communication"], "", "Partnership "
         "communications group", ["Video posts reached four times as many people"]),
        ("06", "Online survey through the Citizens' Panel", "Consult", [C2], "Complete",
         "Performance officer", "Baseline of public understanding and confidence",
         "01/02/2024", "31/03/2024", ["Methods", "Communication"], 412, "Citizens' Panel",
         ["Awareness of unpaid work is higher than of diversion"]),
        ("07", "VOiCE train-the-trainer sessions for partner staff", "Inform", [C5],
         "In progress", "Partnership manager", "Partners plan and evaluate their engagement "
         "with VOiCE", "01/04/2024", "31/03/2026", ["Planning", "Impact"], 16,
         "Partner organisations' staff", ["Staff want a short guide as well as the training"]),
        ("08", "Lived experience panel co-designing the throughcare pathway", "Engage", [C1, C6],
         "In progress", "Throughcare lead", "Service users will be involved in the delivery of "
         "services", "01/06/2024", "31/03/2026", ["Inclusion", "Support", "Working together"],
         11, "People with lived experience; families; SPS; third sector",
         ["Paying for panel members' time kept attendance steady"]),
        ("09", "Engagement event with victims' organisations", "Consult", [C3, C4],
         "Not started", "Partnership manager", "Increased influence of victims' organisations "
         "on the CJOIP", "01/05/2026", "30/06/2026", ["Inclusion", "Support"], "",
         "Victim Support Scotland; Rape Crisis", []),
        ("10", "Participation statement for the CJOIP annual report", "Inform", [C2, C4, C5],
         "Not started", "Partnership manager", "Report what engagement achieved",
         "01/04/2026", "30/06/2026", ["Communication", "Impact"], "", "All partners", []),
    ]
    for ref, *fields in glasgow:
        rows.append(activity(GLASGOW, f"GCJ-{ref}", *fields))
    ayrshire = [
        (AYRSHIRE, "01", "'Have Your Say' sessions on the CJOIP", "Consult", [C2, C1],
         "Complete", "Partnership coordinator", "Views reflected in the next CJOIP",
         "01/05/2023", "31/07/2023", ["Inclusion", "Methods", "Communication"], 63,
         "Community groups; people with convictions", ["Drop-in sessions worked better than "
                                                       "booked ones"]),
        (AYRSHIRE, "02", "Service user involvement group", "Engage", [C1], "In progress",
         "Justice services manager", "Service users involved in the delivery of services",
         "01/09/2023", "31/03/2026", ["Inclusion", "Support", "Working together", "Impact"], 14,
         "People on orders; peer mentors", ["Members asked for feedback on what changed"]),
        (AYRSHIRE, "03", "Awareness raising stalls at community events", "Inform", [C2],
         "Complete", "Communications officer", "Increased knowledge and understanding",
         "01/06/2024", "30/09/2024", ["Communication"], 240, "Partnership staff",
         ["Leaflets with local contacts were taken most"]),
        (AYRSHIRE, "04", "Focus groups with families of people in custody", "Consult", [C6],
         "In progress", "Third sector interface lead", "Families' needs inform throughcare",
         "01/10/2024", "31/12/2025", ["Inclusion", "Support"], 19, "Families Outside; TSIs",
         ["Childcare was needed to take part"]),
        (NORTH, "NA-01", "Unpaid work open day", "Inform", [C2], "Complete",
         "Unpaid work manager", "Increased understanding of unpaid work", "01/09/2024", "",
         ["Communication"], 85, "North Ayrshire justice services", []),
        (EAST, "EA-01", "Community councils consultation on unpaid work projects", "Consult",
         [C2], "Complete", "Unpaid work manager", "Communities choose unpaid work projects",
         "01/02/2024", "31/03/2024", ["Inclusion", "Methods"], 22, "Community councils",
         ["Two projects were chosen by community councils"]),
    ]
    for area, ref, *fields in ayrshire:
        rows.append(activity(area, ref if "-" in ref else f"CJAP-{ref}", *fields))
    wd = [
        ("01", "Scoping and review of current activity and how it links with community justice",
         [C4, C5], ["Police Scotland L Division; Integrated Joint Board/Health Board; Local "
                    "Authority services; Scottish Prison Service; Skills Development Scotland; "
                    "Scottish Fire and Rescue Service; COPFS; SCTS; third sector organisations"],
         ["Identified a range of areas where existing structures and service delivery can be "
          "enhanced", "Identified an improved understanding of barriers to accessing services "
          "as a gap"]),
        ("02", "Full day development session with statutory partner management and frontline "
         "staff, the Third Sector Interface lead and a national user representation "
         "organisation", [C4, C5], ["Police Scotland L Division; Health and social care; "
                                    "Local Authority services; West Dunbartonshire CVS; SPS; "
                                    "SDS; SFRS; Street Cones"],
         ["Communication and information-sharing protocols for community justice should be "
          "prioritised", "Commitment of workforces to adapt service delivery was clearly "
          "evident"]),
        ("03", "Engagement and visits to four Scottish Prison Service establishments", [C1, C5],
         ["Scottish Prison Service"],
         ["Identified further work to improve planning for release from custody",
          "Maintaining communication between people in custody and community services is a "
          "gap"]),
        ("04", "Initial scoping of victims' service demand and delivery", [C3],
         ["Health and Social Care Criminal Justice Service; Victim Support Scotland (West "
          "Dunbartonshire)"],
         ["Established the numbers of people accessing Victim Support", "Identified "
          "opportunities to engage more sensitively with victims of crime"]),
    ]
    for ref, text, communities, who, learning in wd:
        rows.append(activity(WEST_DUNBARTONSHIRE, f"WD-{ref}", text, "Consult", communities,
                             "Complete", "Community justice coordinator",
                             "Understand the current landscape of community justice",
                             "2016/17", "", ["Inclusion", "Working together", "Planning"], "",
                             who[0], learning, SEED004))
    return rows


SERVICES = {
    GLASGOW: ["Unpaid work", "Throughcare", "Diversion from prosecution", "Women's justice "
              "service", "Employability"],
    AYRSHIRE: ["Unpaid work", "Peer mentoring", "Throughcare", "Family support"],
    WEST_DUNBARTONSHIRE: ["Unpaid work", "Throughcare", "Victim support"],
}


def stages() -> list[dict]:
    rows = []
    for area, services in SERVICES.items():
        for service in services:
            r = rng("stage", area, service)
            stage = r.randint(1, 3)
            target = min(8, stage + r.randint(3, 5))
            for year in (2021, 2022, 2023, 2024):
                if year > 2021:
                    stage = min(target, stage + r.choice([0, 0, 1, 1, 2]))
                rows.append({"area": area, "service": service,
                             "period": f"{year}/{str(year + 1)[2:]}", "stage": stage,
                             "target_stage": target, "target_period": "2026/27",
                             "note": "", "source": ILLUSTRATIVE})
    return rows


def write(name: str, rows: list[dict]) -> None:
    with open(OUT_DIR / name, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    made = {"social_posts.csv": posts(), "engagement_activities.csv": activities(),
            "service_stages.csv": stages()}
    for row in made["social_posts.csv"]:
        assert row["engagements"] <= row["impressions"], row
    for name, rows in made.items():
        write(name, rows)
        print(f"{name}: {len(rows)} rows")
