"""The demo data itself: people, teams, tags, sub-statuses, SLAs, categories, ticket templates."""


import datetime as dt

from configurations.models import (
    CustomField,
    Priority,
    Status,
)

SEED = 42
PASSWORD = "demo"  # nosec B105 - the documented demo logins, created only by seed_demo
ALREADY_PRESENT = "Demo data already present; nothing changed."
UTC = dt.UTC
LONDON = "Europe/London"
MAIL_DOMAIN = "contact-centre.example.com"

# --- people ---------------------------------------------------------------------------------------

# username, first name, last name, group, teams
STAFF = [
    ("admin", "Ada", "Admin", "Admin", []),
    ("lead", "Lee", "Leader", "Team Leader", ["Support"]),
    ("alice", "Alice", "Archer", "Agent", ["Support"]),
    ("bob", "Bob", "Baker", "Agent", ["Support"]),
    ("carol", "Carol", "Cole", "Agent", ["Billing"]),
    ("dan", "Dan", "Dawson", "Agent", ["Technical"]),
    ("erin", "Erin", "Evans", "Agent", ["Technical"]),
    ("frank", "Frank", "Fisher", "Agent", ["Billing"]),
    ("grace", "Grace", "Green", "Agent", ["Support"]),
    ("hugo", "Hugo", "Hughes", "Agent", ["Technical"]),
    ("ivy", "Ivy", "Irwin", "Agent", ["Billing", "Support"]),
]
TEAMS = ["Support", "Billing", "Technical"]

# --- configuration --------------------------------------------------------------------------------

TAGS = [
    ("account", "#15803d"),
    ("billing", "#2563eb"),
    ("bug", "#be123c"),
    ("cancellation", "#c2410c"),
    ("complaint", "#e11d48"),
    ("damaged", "#b91c1c"),
    ("delivery-delay", "#d97706"),
    ("duplicate", "#6b7280"),
    ("escalated", "#991b1b"),
    ("feature-request", "#7c3aed"),
    ("feedback", "#65a30d"),
    ("follow-up", "#ca8a04"),
    ("gdpr", "#475569"),
    ("invoice", "#4f46e5"),
    ("login", "#0891b2"),
    ("mobile-app", "#0284c7"),
    ("outage", "#dc2626"),
    ("password-reset", "#0d9488"),
    ("payment-failed", "#b45309"),
    ("refund", "#16a34a"),
    ("shipping", "#ea580c"),
    ("subscription", "#9333ea"),
    ("urgent-callback", "#db2777"),
    ("vip", "#a21caf"),
    ("warranty", "#059669"),
    ("website", "#0369a1"),
]

WAITING_TEXT = (
    "Hello from the Customer Care team. We need a little more information to carry on with your "
    "request: please reply to our last email or call us on 0300 123 4567. Thank you!"
)
SOLVED_TEXT = (
    "Hello,\n\nGood news: we have resolved your request. If anything is still not right, just reply "
    "to this email and we will pick it up again.\n\nKind regards,\nCustomer Care"
)
REFUNDED_TEXT = (
    "Hello,\n\nWe have issued your refund. It usually reaches your account within 3-5 working days.\n\n"
    "Kind regards,\nCustomer Care"
)

# status, name, channel, text
SUB_STATUSES = [
    (Status.SUBMITTED, "Awaiting triage", "", ""),
    (Status.PENDING, "Waiting for customer", "sms", WAITING_TEXT),
    (Status.PENDING, "Waiting for third party", "", ""),
    (Status.ONGOING, "In progress", "", ""),
    (Status.ONGOING, "Escalated", "", ""),
    (Status.ONGOING, "Callback scheduled", "", ""),
    (Status.RESOLVED, "Solved", "email", SOLVED_TEXT),
    (Status.RESOLVED, "Refunded", "email", REFUNDED_TEXT),
    (Status.RESOLVED, "Duplicate", "", ""),
    (Status.RESOLVED, "No response", "", ""),
]

TICKET_TYPES = [("Customer request", True), ("Incident", False), ("Internal task", False)]

OFFICE = "UK office hours"
ALWAYS = "24x7"

# name, low, normal, high, urgent (working minutes)
SLA_POLICIES = [
    ("Standard", 10 * 8 * 60, 5 * 8 * 60, 2 * 8 * 60, 4 * 60),
    ("Premium", 3 * 8 * 60, 2 * 8 * 60, 8 * 60, 2 * 60),
]

# name, policy, calendar, require sub-status to resolve, require re-open date for pending, queue
CATEGORIES = [
    ("Billing", "Standard", OFFICE, False, True, f"billing@{MAIL_DOMAIN}"),
    ("General", "Standard", OFFICE, False, False, f"help@{MAIL_DOMAIN}"),
    ("Shipping", "Standard", OFFICE, False, False, f"deliveries@{MAIL_DOMAIN}"),
    ("Technical", "Standard", ALWAYS, True, False, f"support@{MAIL_DOMAIN}"),
]
CATEGORY_TEAM = {"Billing": "Billing", "General": "Support", "Shipping": "Support", "Technical": "Technical"}

# key, name, type, category, choices
CUSTOM_FIELDS = [
    ("order_number", "Order number", CustomField.FieldType.TEXT, None, []),
    ("refund_amount", "Refund amount", CustomField.FieldType.NUMBER, "Billing", []),
    ("warranty", "Warranty", CustomField.FieldType.BOOLEAN, None, []),
    ("preferred_contact", "Preferred contact", CustomField.FieldType.CHOICE, None, ["Email", "Phone", "SMS"]),
]

# Reply templates (SPEC D14): (name, channel, category or None, subject, body).
REPLY_TEMPLATES = [
    ("Engineer booked", "sms", None, "",
     "Hi {customer}, an engineer is booked for your request {reference}. Reply to this number to change it."),
    ("We have your request", "both", None, "We have your request {reference}",
     "Hello {customer},\n\nthank you for writing. {agent} is looking at “{title}” and will come back to you "
     "shortly.\n\nKind regards,\nCustomer Care"),
    ("Refund on its way", "email", "Billing", "Your refund for {reference}",
     "Hello {customer},\n\nyour refund of {cf:refund_amount} for order {cf:order_number} is on its way.\n\n{agent}"),
]

# --- what customers write about -------------------------------------------------------------------

PRODUCTS = [
    "Aero 3 wireless headphones",
    "HomeHub router",
    "Smart plug mini",
    "Kettle Pro 1.7L",
    "Trailblazer backpack",
    "Luma desk lamp",
    "FitBand 4",
    "Barista coffee grinder",
]
COURIERS = ["DPD", "Royal Mail", "Evri", "DHL"]

# category, type, title, tags, description, flags (order, refund, warranty)
TEMPLATES = [
    # Billing
    ("Billing", "Customer request", "Refund not received for order #{order}", ["refund", "billing"],
     ("I returned order #{order} on {date} and was told the refund would take 5 working days. It has now been "
     "over two weeks and I still haven't received anything. Can you tell me what is going on?"), "order refund"),
    ("Billing", "Customer request", "Charged twice for invoice {invoice}", ["billing", "invoice", "refund"],
     ("My card statement shows two payments of £{amount} for invoice {invoice}. Please refund the duplicate "
     "payment as soon as possible."), "refund"),
    ("Billing", "Customer request", "Please send a VAT invoice for order #{order}", ["invoice"],
     "Could you send me a VAT invoice for order #{order}? Our accounts team needs it for the quarter end.",
     "order"),
    ("Billing", "Customer request", "Direct debit failed this month", ["billing", "payment-failed"],
     ("I got an email saying my direct debit failed, but there is plenty of money in the account. Has "
     "something changed on your side?"), ""),
    ("Billing", "Customer request", "Discount code not applied at checkout", ["billing", "website"],
     ("I used the code SPRING15 on order #{order} but the discount wasn't taken off the total of £{amount}. "
     "Can you refund the difference?"), "order refund"),
    ("Billing", "Customer request", "Subscription renewed without any reminder",
     ["subscription", "billing", "complaint"],
     ("My yearly subscription renewed for £{amount} without any reminder email. I didn't want to renew and "
     "would like a refund."), "refund"),
    ("Billing", "Customer request", "Payment declined but money left my account", ["payment-failed", "billing"],
     ("The checkout said my payment was declined, but £{amount} has left my bank account. I don't know if the "
     "order went through."), "order refund"),
    ("Billing", "Customer request", "Cancel my subscription and refund the remaining months",
     ["subscription", "cancellation", "refund"],
     "I'm moving abroad and need to cancel my subscription. Please refund the months I won't use.", "refund"),
    ("Billing", "Customer request", "Wrong billing address on my invoices", ["invoice", "account"],
     ("Our invoices still show our old address. We moved in {month}; please update it and re-issue invoice "
     "{invoice}."), ""),
    ("Billing", "Customer request", "Question about a late payment fee on {invoice}", ["billing", "invoice"],
     "There is a £12 late payment fee on invoice {invoice}, but we paid on time. Please check and remove it.",
     ""),
    # Technical
    ("Technical", "Customer request", "Cannot log in after password reset", ["login", "password-reset"],
     ("I reset my password this morning and now the site says my details are wrong. I've tried three times "
     "and I'm worried my account will be locked."), ""),
    ("Technical", "Customer request", "Password reset email never arrives", ["password-reset", "login"],
     "I've asked for a password reset link four times and nothing arrives, not even in spam.", ""),
    ("Technical", "Customer request", "Two-factor code not arriving by SMS", ["login", "account"],
     "The six-digit code never arrives on my phone, so I can't get into my account.", ""),
    ("Technical", "Customer request", "Mobile app crashes when uploading photos", ["mobile-app", "bug"],
     "Every time I try to attach a photo of the damaged item the app closes. iPhone 13, latest version.", ""),
    ("Technical", "Customer request", "Error 500 on the checkout page", ["website", "bug"],
     "I get 'Something went wrong (500)' when I press Pay. I tried two different cards.", "order"),
    ("Technical", "Customer request", "Account locked after too many login attempts", ["login", "account"],
     "My account is locked and the unlock email link says it has expired.", ""),
    ("Technical", "Customer request", "App stuck on the loading screen after the update", ["mobile-app", "bug"],
     "Since yesterday's update the app just shows the spinner. I've reinstalled it twice.", ""),
    ("Technical", "Customer request", "Order history not showing in my account", ["website", "account", "bug"],
     "My order history page is empty, but I have placed several orders this year.", ""),
    ("Technical", "Customer request", "Feature request: export my order history", ["feature-request"],
     "It would be great to download my order history as a spreadsheet for my expenses.", ""),
    ("Technical", "Customer request", "{product} disconnects from Wi-Fi after firmware update",
     ["bug", "warranty"],
     ("My {product} keeps dropping off the Wi-Fi since the latest firmware update. Is this covered by the "
     "warranty?"), "warranty"),
    # Shipping
    ("Shipping", "Customer request", "Parcel marked as delivered but not received", ["shipping"],
     ("Tracking for order #{order} says delivered by {courier} yesterday, but nothing arrived and my "
     "neighbours haven't got it either."), "order"),
    ("Shipping", "Customer request", "Order #{order} arrived damaged", ["shipping", "damaged"],
     "The box was crushed and my {product} is broken. I'd like a replacement please.", "order warranty"),
    ("Shipping", "Customer request", "Wrong item received in order #{order}", ["shipping"],
     "I ordered a {product} but received something completely different.", "order"),
    ("Shipping", "Customer request", "Please change the delivery address for order #{order}", ["shipping"],
     "I've just moved. Can you send order #{order} to my new address instead?", "order"),
    ("Shipping", "Customer request", "Tracking for order #{order} not updating",
     ["shipping", "delivery-delay"],
     "The {courier} tracking page hasn't changed for five days.", "order"),
    ("Shipping", "Customer request", "Item missing from order #{order}", ["shipping"],
     "Order #{order} arrived but the {product} was missing from the box.", "order"),
    ("Shipping", "Customer request", "Delivery delayed by more than a week",
     ["shipping", "delivery-delay", "complaint"],
     "Order #{order} was promised for {date}. It's now a week late and nobody has told me why.", "order"),
    ("Shipping", "Customer request", "Courier left my parcel out in the rain",
     ["shipping", "damaged", "complaint"],
     "{courier} left order #{order} on the doorstep in the rain and the contents are soaked.", "order"),
    ("Shipping", "Customer request", "Return label not working", ["shipping"],
     "The return label for order #{order} gives an error at the post office.", "order"),
    # General
    ("General", "Customer request", "Update my phone number and email address", ["account"],
     "Please update my contact details; I've changed my phone number and email.", ""),
    ("General", "Customer request", "Complaint about waiting time on the phone", ["complaint"],
     "I waited 45 minutes on hold yesterday and then got cut off. This isn't good enough.", ""),
    ("General", "Customer request", "Please close my account and delete my data", ["gdpr", "cancellation"],
     "I'd like to close my account and have my personal data deleted.", ""),
    ("General", "Customer request", "Subject access request", ["gdpr"],
     "Under data protection law I'd like a copy of all the personal data you hold about me.", ""),
    ("General", "Customer request", "Warranty question about my {product}", ["warranty"],
     "I bought a {product} last year. Does the warranty cover a faulty battery?", "warranty"),
    ("General", "Customer request", "Feedback on the new website", ["feedback", "website"],
     "The new website looks great, but it's hard to find the returns page.", ""),
    ("General", "Customer request", "How do I change the email address on my account?", ["account"],
     "I can't see where to change my email address in the account settings.", ""),
    ("General", "Customer request", "Thank you for the great help", ["feedback"],
     "I just wanted to say thanks to the agent who helped me last week. Brilliant service.", ""),
    ("General", "Customer request", "Please call me back about order #{order}", ["urgent-callback"],
     "Could someone call me back about order #{order}? I'm free after 2pm.", "order"),
    # Internal
    ("General", "Internal task", "Update the refund macro with the new policy wording", ["refund"],
     "The refund policy changed on {date}. Update the reply template so agents stop quoting 14 days.", ""),
    ("General", "Internal task", "Review SLA breaches for {month}", [],
     "Go through last month's breached tickets and note the main causes for the team meeting.", ""),
    ("General", "Internal task", "Merge duplicate contacts for {company}", ["duplicate"],
     "{company} has several duplicate contact records; clean them up.", ""),
    ("Technical", "Internal task", "Prepare handover notes for the weekend shift", [],
     "List the open escalations and anything the weekend team needs to chase.", ""),
]

# title, category, priority, tags, description, child template titles
INCIDENTS = [
    ("Outage: payment gateway timing out at checkout", "Technical", Priority.URGENT, ["outage", "payment-failed"],
     "Payments are timing out for a large share of customers since 10:05. Provider status page is amber.",
     ["Error 500 on the checkout page", "Payment declined but money left my account"]),
    ("Login service degraded: password resets failing", "Technical", Priority.HIGH, ["outage", "login"],
     "Password reset emails are queued for hours and some logins fail with a timeout.",
     ["Cannot log in after password reset", "Password reset email never arrives",
      "Account locked after too many login attempts"]),
    ("Courier tracking feed delayed", "Shipping", Priority.HIGH, ["outage", "shipping"],
     "The courier's tracking feed stopped updating overnight; customers see stale tracking.",
     ["Tracking for order #{order} not updating", "Delivery delayed by more than a week"]),
]

NOTES = [
    "Called the customer, no answer. Left a voicemail asking them to call us back.",
    "Customer asked for a manager, @{mention} can you give them a call today?",
    "VIP account, please keep them updated daily 🙏",
    "@{mention} FYI, second time this month for this customer.",
    "Customer is happy with the solution 👍",
    "Sent a holding reply; I'll update the customer tomorrow morning.",
]
NOTES_BY_CATEGORY = {
    "Billing": [
        "@{mention} could you check whether the payment has gone through on the provider's side?",
        "Refund of £{amount} approved, @{mention} please process it.",
        "Checked the ledger: the duplicate payment of £{amount} is there. Refund requested.",
        "Invoice re-issued with the corrected details.",
    ],
    "Shipping": [
        "Spoke to the courier: they will re-attempt delivery tomorrow before noon.",
        "Waiting for the warehouse to confirm stock before we promise a date.",
        "Asked the customer for a photo of the damage and the order number.",
        "@{mention} can you raise a claim with the courier for this one?",
    ],
    "Technical": [
        "Checked the logs: the reset link expired before the customer used it. Sent a fresh one.",
        "Sent the customer the troubleshooting steps from the knowledge base.",
        "@{mention} this looks like the same issue as the one we had earlier this week, can you confirm?",
        "Reproduced it on our test account and logged it with the product team.",
    ],
    "General": [
        "Customer confirmed their details; account updated.",
        "@{mention} can you double-check the request before we reply?",
        "Replied with the link to the help centre article.",
    ],
}

CHANNELS = [("email", 45), ("phone", 25), ("web form", 15), ("chat", 10), ("sms", 5)]
SOURCE_PRODUCTS = ["Web shop", "Mobile app", "Customer portal"]
PRIORITY_WEIGHTS = [(Priority.LOW, 20), (Priority.NORMAL, 50), (Priority.HIGH, 22), (Priority.URGENT, 8)]
PACE = {Priority.URGENT: 0.15, Priority.HIGH: 0.45, Priority.NORMAL: 1.0, Priority.LOW: 1.8}

MINUTE = 60
HOUR = 3600
DAY = 86400

FIRST_NAMES = [
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Lily", "Emily", "Sophie", "Ella", "Chloe",
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Charlie", "Jacob", "Thomas",
    "James", "Priya", "Aisha", "Mohammed", "Yusuf", "Zara", "Ravi", "Niamh", "Callum", "Rhys", "Eilidh",
]
LAST_NAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Khan", "Hughes", "Edwards", "Turner", "Murphy", "Campbell", "Kelly", "Price", "Morgan",
]
COMPANY_SUFFIXES = ["Ltd", "and Sons", "Group", "Trading", "Logistics", "Retail", "Partners", "plc"]


