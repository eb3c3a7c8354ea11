"""The demo fair that `make run` loads on first start: a Métropole's "Rencontres pour l'emploi".

It exists so that a newcomer sees a fair that looks like a real one (many employers, hundreds of
offers of every contract type, partners) and can log in with each role at once. Every company,
person and web address here is fictional sample data. The text is generated from templates with a
fixed random seed: two loads give the same fair, dated a few weeks from the day it is loaded.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import func, insert, select

from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose
from fair.accounts.models import (
    Membership,
    MembershipRole,
    NetworkType,
    Organisation,
    OrganisationKind,
    PartnerType,
    User,
)
from fair.candidates import labels, storage
from fair.candidates.models import (
    Application,
    CandidateCv,
    CandidateProfile,
    CvAccess,
    CvKind,
    Gender,
    QpvStatus,
    Referral,
    ReferralStatus,
)
from fair.checkin.models import CheckIn
from fair.companies.models import Booth, BoothDocument, BoothStaff, ContractType, Offer, RemoteMode
from fair.db import utcnow
from fair.extensions import db
from fair.fairs.models import BookingPolicy, Edition, EditionFormat, EditionPartner, EditionStatus
from fair.jobdating.models import Attendance, Booking, BookingStatus, Slot, SlotMode
from fair.jobdating.models import Outcome as BookingOutcome
from fair.jobdating.services import open_availability
from fair.live.models import Announcement
from fair.networks.models import NetworkMember
from fair.networks.services import give_network_consent, network_choices
from fair.outcomes import services as outcomes
from fair.outcomes.models import AnsweredBy, CohortKind, FollowUp, RecordedAs, TrainingCohort
from fair.outcomes.models import ContractType as OutcomeContract
from fair.pipeline.models import NextStep, PipelineEntry, PipelineNote
from fair.security import hash_password
from fair.surveys.models import SurveyResponse
from fair.webinars.models import Provider, Webinar

log = logging.getLogger("fair.demo")

DEMO_PASSWORD = "demo-fair-2026"
DEMO_SLUG = "rencontres-emploi-metropole-lille"
DRAFT_SLUG = "job-dating-alternance-metropole-lille"
LIVE_SLUG = "salon-en-ligne-semaine-emploi"
LIVE_TITLE = "Salon en ligne — Semaine de l'emploi de la Métropole"
DEMO_TITLE = "Rencontres pour l'emploi de la Métropole européenne de Lille"
DEMO_TIMEZONE = "Europe/Paris"

# (role shown to people, email, full name): every one logs in with DEMO_PASSWORD.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("organiser", "organisateur@demo.fair", "Organisateur Démo"),
    ("recruiter", "recruteur@demo.fair", "Recruteuse Démo"),
    ("candidate", "candidat@demo.fair", "Candidat Démo"),
    ("adviser", "conseiller@demo.fair", "Conseillère Démo"),
    ("coordinator", "coordination@demo.fair", "Coordinatrice Démo"),
]

SEED = 2026


# ----------------------------------------------------------------------------- the job catalogue

@dataclass(frozen=True)
class Job:
    title: str
    rome: str | None
    beginner: bool  # usually open to people without experience
    missions: tuple[str, ...]
    contracts: tuple[ContractType, ...] = (ContractType.cdi, ContractType.cdd, ContractType.interim,
                                           ContractType.alternance)
    requires: tuple[str, ...] = ()
    remote: bool = False


C = ContractType
OFFICE = (C.cdi, C.cdd, C.alternance, C.stage)


def _jobs(*jobs: Job) -> tuple[Job, ...]:
    return jobs


LOGISTICS = _jobs(
    Job("Préparateur de commandes", "N1103", True, (
        "préparer les commandes à l'aide d'un terminal à commande vocale",
        "contrôler la conformité des colis avant leur expédition",
        "filmer et étiqueter les palettes",
        "participer aux inventaires tournants",
    ), (C.cdi, C.cdd, C.interim, C.alternance, C.training)),
    Job("Cariste", "N1101", False, (
        "charger et décharger les semi-remorques",
        "ranger les palettes en hauteur dans les racks",
        "approvisionner les zones de préparation",
        "tenir les stocks à jour dans le logiciel de gestion d'entrepôt",
    ), (C.cdi, C.cdd, C.interim), ("CACES R489 catégories 1, 3 et 5 en cours de validité.",)),
    Job("Agent de quai", "N1105", True, (
        "décharger les camions et contrôler les livraisons",
        "trier les colis par tournée",
        "signaler les colis abîmés ou manquants",
        "garder le quai propre et dégagé",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Réceptionnaire logistique", "N1103", True, (
        "réceptionner les marchandises et vérifier les bons de livraison",
        "saisir les entrées en stock",
        "traiter les litiges avec les transporteurs",
        "organiser le rangement des produits reçus",
    )),
    Job("Chef d'équipe logistique", "N1303", False, (
        "animer une équipe d'une quinzaine de préparateurs",
        "suivre la productivité et la qualité de la préparation",
        "organiser les plannings et les remplacements",
        "veiller au respect des règles de sécurité",
    ), (C.cdi, C.cdd, C.alternance), ("Une expérience d'encadrement d'équipe en entrepôt.",)),
    Job("Gestionnaire des stocks", "N1303", False, (
        "suivre les niveaux de stock et déclencher les réapprovisionnements",
        "analyser les écarts d'inventaire",
        "préparer les indicateurs hebdomadaires",
        "travailler avec les achats et le service client",
    ), OFFICE, ("Aisance avec les tableurs (Excel ou LibreOffice Calc).",)),
    Job("Assistant d'exploitation transport", "N4204", True, (
        "planifier les tournées de livraison",
        "informer les clients des horaires de passage",
        "suivre les retours et les réclamations",
        "préparer les documents de transport",
    ), OFFICE, remote=True),
)

TRANSPORT = _jobs(
    Job("Conducteur poids lourd", "N4101", False, (
        "livrer nos clients de la région au départ de notre agence",
        "charger et arrimer la marchandise",
        "remplir les documents de livraison sur tablette",
        "assurer l'entretien courant du véhicule",
    ), (C.cdi, C.cdd, C.interim), ("Permis C ou CE, FIMO ou FCO et carte conducteur à jour.",)),
    Job("Chauffeur-livreur", "N4105", True, (
        "livrer des colis à des particuliers et à des commerces",
        "préparer et charger sa tournée le matin",
        "encaisser les paiements à la livraison",
        "soigner la relation avec les clients",
    ), (C.cdi, C.cdd, C.interim), ("Permis B depuis plus de deux ans.",)),
    Job("Conducteur de bus", "N4103", False, (
        "conduire des bus urbains sur les lignes du réseau",
        "accueillir et renseigner les voyageurs",
        "veiller à la sécurité et à la ponctualité",
        "signaler les incidents au poste de commandement",
    ), (C.cdi, C.cdd, C.training), ("Permis D et FIMO voyageurs, ou entrée en formation financée.",)),
    Job("Conducteur de transport de personnes à mobilité réduite", "N4102", True, (
        "accompagner des personnes à mobilité réduite de leur domicile à leur destination",
        "aider à la montée et à la descente du véhicule",
        "respecter les horaires des réservations",
        "entretenir le véhicule adapté",
    ), (C.cdi, C.cdd), ("Permis B depuis plus de trois ans.",)),
    Job("Exploitant transport", "N4204", False, (
        "affecter les conducteurs et les véhicules aux tournées",
        "optimiser les plans de transport",
        "gérer les aléas en temps réel",
        "veiller au respect de la réglementation sociale européenne",
    ), OFFICE, remote=True),
    Job("Mécanicien poids lourds", "I1604", False, (
        "diagnostiquer les pannes mécaniques et électriques",
        "réaliser l'entretien préventif du parc",
        "préparer les véhicules au contrôle technique",
        "tenir à jour les fiches d'intervention",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
)

RETAIL = _jobs(
    Job("Employé libre-service", "D1507", True, (
        "mettre en rayon les produits et vérifier les dates",
        "réaliser le facing et l'étiquetage des prix",
        "renseigner et orienter les clients",
        "participer à la réception des livraisons",
    ), (C.cdi, C.cdd, C.interim, C.alternance, C.stage)),
    Job("Hôte de caisse", "D1505", True, (
        "accueillir les clients et enregistrer leurs achats",
        "encaisser les paiements et tenir sa caisse",
        "répondre aux questions à l'accueil",
        "participer à la mise en rayon en période calme",
    ), (C.cdi, C.cdd, C.alternance)),
    Job("Vendeur en boulangerie", "D1106", True, (
        "accueillir et conseiller la clientèle",
        "mettre en valeur les produits en vitrine",
        "encaisser les ventes",
        "appliquer les règles d'hygiène alimentaire",
    ), (C.cdi, C.cdd, C.alternance)),
    Job("Boulanger", "D1102", False, (
        "pétrir, façonner et cuire les pains et viennoiseries",
        "gérer les commandes de farine et de matières premières",
        "respecter les fiches techniques de la maison",
        "transmettre son savoir-faire aux apprentis",
    ), (C.cdi, C.cdd, C.alternance), ("CAP Boulanger ou expérience équivalente.",)),
    Job("Boucher", "D1101", False, (
        "découper et préparer les viandes",
        "conseiller les clients sur les morceaux et les cuissons",
        "tenir le rayon traditionnel",
        "appliquer les règles de traçabilité",
    ), (C.cdi, C.cdd, C.alternance), ("CAP Boucher apprécié.",)),
    Job("Manager de rayon", "D1502", False, (
        "piloter le chiffre d'affaires et les marges de votre rayon",
        "animer une équipe de cinq à dix personnes",
        "passer les commandes et suivre les stocks",
        "mettre en place les opérations commerciales",
    ), (C.cdi, C.alternance, C.stage), ("Une première expérience de management en grande distribution.",)),
    Job("Conseiller de vente en articles de sport", "D1211", True, (
        "conseiller les clients selon leur pratique sportive",
        "réaliser des démonstrations produits",
        "tenir le rayon et réassortir",
        "encaisser les ventes",
    ), (C.cdi, C.cdd, C.alternance, C.stage)),
    Job("Adjoint au directeur de magasin", "D1301", False, (
        "seconder le directeur dans la gestion du magasin",
        "suivre les indicateurs de vente",
        "recruter et former les nouveaux arrivants",
        "garantir la qualité de l'accueil",
    ), (C.cdi, C.alternance, C.stage)),
    Job("Préparateur de commandes drive", "N1103", True, (
        "préparer les commandes passées en ligne",
        "respecter la chaîne du froid",
        "remettre les commandes aux clients du drive",
        "signaler les produits manquants",
    ), (C.cdi, C.cdd, C.interim)),
)

CARE = _jobs(
    Job("Aide-soignant", "J1501", False, (
        "accompagner les résidents dans les gestes de la vie quotidienne",
        "participer aux soins d'hygiène et de confort",
        "observer et transmettre l'état de santé des personnes",
        "travailler en lien avec l'équipe infirmière",
    ), (C.cdi, C.cdd, C.interim, C.alternance), ("Diplôme d'État d'aide-soignant (DEAS).",)),
    Job("Infirmier", "J1506", False, (
        "réaliser les soins techniques et la distribution des traitements",
        "assurer le suivi des dossiers de soins",
        "encadrer les aides-soignants et les stagiaires",
        "travailler avec les médecins traitants et les familles",
    ), (C.cdi, C.cdd, C.interim), ("Diplôme d'État d'infirmier.",)),
    Job("Agent de service hospitalier", "J1301", True, (
        "entretenir les chambres et les espaces communs",
        "servir les repas et aider à leur prise",
        "appliquer les protocoles d'hygiène",
        "contribuer au bien-être des résidents",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Auxiliaire de vie à domicile", "K1302", True, (
        "aider les personnes âgées ou en situation de handicap dans les actes du quotidien",
        "préparer les repas et accompagner leur prise",
        "accompagner aux courses et aux rendez-vous",
        "rendre compte à la responsable de secteur",
    ), (C.cdi, C.cdd, C.alternance), ("Permis B apprécié : véhicule de service ou indemnités kilométriques.",)),
    Job("Aide à domicile", "K1304", True, (
        "entretenir le logement et le linge",
        "faire les courses avec ou pour la personne",
        "préparer des repas simples",
        "maintenir le lien social et signaler tout changement",
    ), (C.cdi, C.cdd)),
    Job("Accompagnant éducatif et social", "K1301", False, (
        "accompagner des adultes en situation de handicap dans leur vie quotidienne",
        "proposer des activités adaptées",
        "participer aux projets personnalisés",
        "travailler en équipe pluridisciplinaire",
    ), (C.cdi, C.cdd, C.alternance), ("Diplôme d'État d'accompagnant éducatif et social (DEAES) ou en cours.",)),
    Job("Animateur en EHPAD", "G1202", True, (
        "concevoir un programme d'activités pour les résidents",
        "animer des ateliers mémoire, jeux et sorties",
        "associer les familles et les bénévoles",
        "tenir le planning des animations",
    ), (C.cdi, C.cdd, C.alternance, C.stage), ("BPJEPS Animation sociale apprécié.",)),
    Job("Cuisinier en collectivité", "G1602", False, (
        "préparer les repas des résidents en liaison chaude",
        "adapter les textures aux régimes prescrits",
        "appliquer la méthode HACCP",
        "gérer les commandes de denrées",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Secrétaire médical", "M1609", False, (
        "accueillir les patients et gérer les rendez-vous",
        "tenir les dossiers médicaux",
        "rédiger les courriers médicaux",
        "assurer le lien avec les services",
    ), OFFICE),
)

HOSPITALITY = _jobs(
    Job("Commis de cuisine", "G1602", True, (
        "préparer les légumes, les sauces et les garnitures",
        "dresser les assiettes pendant le service",
        "nettoyer et ranger le poste de travail",
        "réceptionner les marchandises",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Cuisinier", "G1602", False, (
        "réaliser les plats de la carte et du jour",
        "tenir un poste chaud pendant le coup de feu",
        "participer à l'élaboration des suggestions",
        "veiller à l'hygiène et à la traçabilité",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Chef de partie", "G1601", False, (
        "encadrer un commis sur votre partie",
        "garantir la qualité et la régularité des plats",
        "gérer les mises en place et les stocks",
        "former les apprentis",
    ), (C.cdi, C.cdd)),
    Job("Serveur en brasserie", "G1803", True, (
        "accueillir et placer les clients",
        "prendre les commandes et conseiller sur la carte",
        "servir à l'assiette et débarrasser",
        "encaisser les additions",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Barman", "G1801", False, (
        "préparer les boissons chaudes, les bières et les cocktails",
        "tenir le bar propre et approvisionné",
        "conseiller les clients",
        "participer aux inventaires",
    ), (C.cdi, C.cdd)),
    Job("Réceptionniste d'hôtel", "G1703", False, (
        "accueillir les clients à leur arrivée et à leur départ",
        "gérer les réservations et les demandes particulières",
        "encaisser les séjours",
        "renseigner sur la ville et ses transports",
    ), (C.cdi, C.cdd, C.alternance, C.stage), ("Anglais courant ; une autre langue est un plus.",)),
    Job("Valet ou femme de chambre", "G1501", True, (
        "nettoyer et préparer les chambres selon les standards de l'hôtel",
        "réapprovisionner les produits d'accueil",
        "signaler les anomalies techniques",
        "entretenir les couloirs et les espaces communs",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Plongeur en restauration", "G1605", True, (
        "laver la vaisselle et les ustensiles de cuisine",
        "nettoyer la cuisine en fin de service",
        "ranger la réserve",
        "aider à la mise en place",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Équipier polyvalent en restauration rapide", "G1603", True, (
        "préparer les commandes en cuisine",
        "accueillir les clients au comptoir",
        "encaisser les commandes",
        "entretenir la salle et la cuisine",
    ), (C.cdi, C.cdd, C.alternance)),
    Job("Gouvernant d'hôtel", "G1502", False, (
        "organiser le travail des équipes d'étage",
        "contrôler la propreté des chambres",
        "gérer le linge et les produits",
        "former les nouveaux arrivants",
    ), (C.cdi, C.cdd)),
)

CONSTRUCTION = _jobs(
    Job("Maçon", "F1703", False, (
        "monter des murs en parpaings et en briques",
        "réaliser des chapes et des dalles",
        "lire des plans d'exécution",
        "travailler dans le respect des règles de sécurité du chantier",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Manœuvre du bâtiment", "F1704", True, (
        "approvisionner les postes de travail en matériaux",
        "préparer le mortier et le béton",
        "installer et nettoyer le chantier",
        "aider les compagnons dans leurs tâches",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Électricien du bâtiment", "F1602", False, (
        "poser les réseaux et les équipements électriques",
        "raccorder les tableaux",
        "mettre en service et contrôler les installations",
        "intervenir en rénovation de logements",
    ), (C.cdi, C.cdd, C.interim, C.alternance), ("Habilitation électrique B1V-BR.",)),
    Job("Plombier-chauffagiste", "F1603", False, (
        "installer les réseaux d'eau et de chauffage",
        "poser les équipements sanitaires",
        "mettre en service les chaudières et les pompes à chaleur",
        "dépanner les installations chez nos clients",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Peintre en bâtiment", "F1606", True, (
        "préparer les supports (ponçage, enduits)",
        "appliquer peintures et revêtements muraux",
        "protéger les lieux avant intervention",
        "nettoyer le chantier",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Couvreur", "F1610", False, (
        "poser et réparer les toitures en tuiles et en ardoises",
        "installer les gouttières et les descentes",
        "travailler en hauteur en sécurité",
        "réaliser les zingueries",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Conducteur de travaux", "F1202", False, (
        "préparer et planifier les chantiers",
        "encadrer les chefs de chantier et les sous-traitants",
        "suivre les budgets et les délais",
        "représenter l'entreprise auprès des clients",
    ), (C.cdi, C.alternance, C.stage), ("Bac +2 à bac +5 en bâtiment ou génie civil.",)),
    Job("Dessinateur-projeteur BTP", "F1104", False, (
        "réaliser les plans d'exécution sur logiciel de CAO",
        "mettre à jour les maquettes numériques (BIM)",
        "échanger avec les bureaux d'études",
        "préparer les dossiers de consultation",
    ), OFFICE, remote=True),
    Job("Canalisateur", "F1705", False, (
        "poser des canalisations d'eau et d'assainissement",
        "réaliser les tranchées et les raccordements",
        "signaliser le chantier",
        "conduire de petits engins",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Menuisier poseur", "F1607", False, (
        "poser des fenêtres, portes et volets",
        "réaliser les finitions et les réglages",
        "vérifier les mesures avant pose",
        "conseiller les clients sur l'entretien",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
)

INDUSTRY = _jobs(
    Job("Conducteur de ligne agroalimentaire", "H2102", False, (
        "régler et conduire une ligne de conditionnement",
        "effectuer les changements de format",
        "contrôler la qualité des produits finis",
        "assurer la maintenance de premier niveau",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Opérateur de conditionnement", "H3302", True, (
        "alimenter les machines en emballages",
        "contrôler visuellement les produits",
        "palettiser les cartons",
        "nettoyer la ligne en fin de poste",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Technicien de maintenance industrielle", "I1304", False, (
        "réaliser la maintenance préventive et curative des équipements",
        "diagnostiquer les pannes mécaniques, électriques et pneumatiques",
        "proposer des améliorations",
        "renseigner la GMAO",
    ), (C.cdi, C.cdd, C.interim, C.alternance), ("Habilitation électrique BR souhaitée.",)),
    Job("Soudeur", "H2913", False, (
        "souder des ensembles en acier et en inox (TIG, MIG/MAG)",
        "lire des plans de fabrication",
        "contrôler les soudures",
        "préparer les pièces à assembler",
    ), (C.cdi, C.cdd, C.interim, C.training)),
    Job("Tourneur-fraiseur sur commande numérique", "H2903", False, (
        "régler et piloter des machines à commande numérique",
        "réaliser les pièces unitaires et les petites séries",
        "contrôler les cotes avec les instruments de mesure",
        "optimiser les programmes d'usinage",
    ), (C.cdi, C.cdd, C.interim, C.alternance)),
    Job("Monteur-assembleur", "H2909", True, (
        "assembler des sous-ensembles mécaniques",
        "suivre les gammes de montage",
        "réaliser les contrôles de fin de montage",
        "signaler les non-conformités",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Technicien qualité", "H1502", False, (
        "réaliser les contrôles en cours de production",
        "suivre les indicateurs et les non-conformités",
        "participer aux audits clients",
        "animer des actions d'amélioration continue",
    ), (C.cdi, C.cdd, C.alternance, C.stage)),
    Job("Couturier en atelier de confection", "H2402", True, (
        "assembler des vêtements sur machines industrielles",
        "réaliser les finitions",
        "contrôler la qualité des pièces",
        "entretenir son poste",
    ), (C.cdi, C.cdd, C.alternance, C.training)),
    Job("Magasinier industriel", "N1103", True, (
        "réceptionner et ranger les pièces",
        "approvisionner les postes de production",
        "tenir le stock à jour dans l'ERP",
        "préparer les expéditions",
    ), (C.cdi, C.cdd, C.interim)),
)

IT = _jobs(
    Job("Développeur web Python", "M1805", False, (
        "développer de nouvelles fonctionnalités de nos applications",
        "écrire des tests automatisés",
        "relire le code de l'équipe",
        "participer aux choix techniques",
    ), (C.cdi, C.cdd, C.alternance, C.stage, C.training), remote=True),
    Job("Développeur Java", "M1805", False, (
        "faire évoluer les applications de nos clients",
        "concevoir des API",
        "corriger les anomalies",
        "documenter les développements",
    ), (C.cdi, C.alternance, C.stage), remote=True),
    Job("Technicien support informatique", "I1401", True, (
        "répondre aux demandes des utilisateurs par téléphone et par ticket",
        "installer et configurer les postes de travail",
        "diagnostiquer les incidents",
        "rédiger des fiches de procédure",
    ), (C.cdi, C.cdd, C.interim, C.alternance, C.training), remote=True),
    Job("Administrateur systèmes et réseaux", "M1801", False, (
        "administrer les serveurs Linux et Windows",
        "superviser les réseaux et les sauvegardes",
        "automatiser les déploiements",
        "participer aux astreintes",
    ), (C.cdi, C.alternance), remote=True),
    Job("Analyste en cybersécurité", "M1802", False, (
        "surveiller les alertes de sécurité",
        "analyser les incidents et proposer des remédiations",
        "sensibiliser les utilisateurs",
        "participer aux audits",
    ), (C.cdi, C.alternance, C.stage), remote=True),
    Job("Chef de projet digital", "M1806", False, (
        "recueillir les besoins des clients",
        "piloter les plannings et les budgets",
        "coordonner les équipes de développement",
        "organiser la recette",
    ), (C.cdi, C.alternance, C.stage), remote=True),
    Job("Analyste de données", "M1403", False, (
        "construire des tableaux de bord",
        "fiabiliser les données",
        "répondre aux questions des équipes métier",
        "présenter les résultats",
    ), (C.cdi, C.cdd, C.alternance, C.stage), remote=True),
    Job("Testeur logiciel", "M1805", True, (
        "écrire et exécuter les cahiers de tests",
        "signaler et suivre les anomalies",
        "automatiser des tests simples",
        "vérifier l'accessibilité des écrans",
    ), (C.cdi, C.cdd, C.alternance, C.stage, C.training), remote=True),
)

PUBLIC = _jobs(
    Job("Agent d'entretien des espaces verts", "A1203", True, (
        "tondre, tailler et désherber les espaces publics",
        "planter les massifs saisonniers",
        "entretenir le matériel",
        "ramasser les déchets des parcs",
    ), (C.cdd, C.alternance, C.insertion)),
    Job("Agent de propreté urbaine", "K2303", True, (
        "nettoyer la voirie et le mobilier urbain",
        "vider les corbeilles",
        "enlever les dépôts sauvages",
        "conduire une balayeuse après formation",
    ), (C.cdd, C.insertion)),
    Job("Animateur périscolaire", "G1203", True, (
        "encadrer les enfants sur les temps du midi et du soir",
        "proposer des activités ludiques et éducatives",
        "veiller à la sécurité des enfants",
        "échanger avec les familles",
    ), (C.cdd, C.alternance), ("BAFA ou CAP Accompagnant éducatif petite enfance apprécié.",)),
    Job("Auxiliaire de puériculture en crèche", "J1304", False, (
        "accueillir les enfants et leurs parents",
        "assurer les soins d'hygiène et les repas",
        "proposer des activités d'éveil",
        "participer au projet pédagogique",
    ), (C.cdd, C.alternance), ("Diplôme d'État d'auxiliaire de puériculture.",)),
    Job("Agent d'accueil en mairie", "M1601", True, (
        "accueillir et orienter le public",
        "répondre au téléphone",
        "aider aux démarches en ligne",
        "enregistrer les demandes d'état civil",
    ), (C.cdd, C.alternance, C.stage)),
    Job("Médiateur social", "K1204", True, (
        "aller à la rencontre des habitants des quartiers",
        "prévenir et apaiser les conflits",
        "orienter vers les services publics",
        "participer aux animations de quartier",
    ), (C.cdd, C.alternance)),
    Job("Gestionnaire administratif", "M1602", False, (
        "instruire les dossiers administratifs",
        "rédiger les courriers et les arrêtés",
        "suivre les tableaux de bord",
        "renseigner les usagers",
    ), (C.cdd, C.alternance, C.stage), remote=True),
    Job("Agent technique polyvalent des bâtiments", "I1203", False, (
        "entretenir et réparer les bâtiments communaux",
        "réaliser de petits travaux de plomberie, d'électricité et de peinture",
        "préparer les salles pour les événements",
        "signaler les besoins de travaux",
    ), (C.cdd, C.alternance)),
    Job("Éducateur de jeunes enfants", "K1202", False, (
        "concevoir le projet éducatif de la section",
        "accompagner l'équipe dans les pratiques d'éveil",
        "soutenir la parentalité",
        "travailler avec les partenaires du territoire",
    ), (C.cdd, C.stage), ("Diplôme d'État d'éducateur de jeunes enfants.",)),
)

SERVICES = _jobs(
    Job("Agent de propreté", "K2204", True, (
        "nettoyer des bureaux et des locaux commerciaux",
        "utiliser les autolaveuses et les monobrosses",
        "respecter les protocoles de nos clients",
        "signaler les besoins en produits",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Laveur de vitres", "K2202", False, (
        "nettoyer les vitres et les façades",
        "travailler en nacelle après formation",
        "préparer le matériel",
        "respecter les règles de travail en hauteur",
    ), (C.cdi, C.cdd, C.interim)),
    Job("Chef d'équipe propreté", "K2204", False, (
        "encadrer les agents sur plusieurs sites",
        "contrôler la qualité des prestations",
        "gérer les plannings et les absences",
        "être l'interlocuteur des clients",
    ), (C.cdi, C.alternance)),
    Job("Agent de sécurité", "K2503", True, (
        "contrôler les accès d'un site",
        "effectuer des rondes",
        "accueillir les visiteurs",
        "rédiger la main courante",
    ), (C.cdi, C.cdd, C.interim, C.training), ("Carte professionnelle du CNAPS (CQP APS).",)),
    Job("Agent de sécurité incendie SSIAP 1", "K2503", False, (
        "surveiller le système de sécurité incendie",
        "effectuer des rondes de prévention",
        "intervenir en cas d'alarme",
        "sensibiliser le personnel",
    ), (C.cdi, C.cdd, C.interim), ("Diplôme SSIAP 1 à jour et SST.",)),
)

OFFICE_JOBS = _jobs(
    Job("Téléconseiller", "D1408", True, (
        "répondre aux appels des clients",
        "traiter les demandes par courriel et par chat",
        "proposer des solutions adaptées",
        "saisir les échanges dans l'outil de suivi",
    ), (C.cdi, C.cdd, C.interim, C.alternance), remote=True),
    Job("Conseiller clientèle bancaire", "C1206", False, (
        "suivre un portefeuille de clients particuliers",
        "conseiller sur l'épargne, le crédit et l'assurance",
        "recevoir en agence et à distance",
        "développer la relation commerciale",
    ), (C.cdi, C.cdd, C.alternance), ("Bac +2 en banque, assurance ou commerce.",)),
    Job("Chargé d'accueil", "M1601", True, (
        "accueillir les clients et les visiteurs",
        "gérer le standard téléphonique",
        "prendre les rendez-vous",
        "assurer le suivi du courrier",
    ), (C.cdi, C.cdd, C.alternance, C.stage)),
    Job("Assistant administratif", "M1602", True, (
        "gérer les agendas et les déplacements",
        "mettre en forme les documents",
        "classer et archiver",
        "suivre les commandes de fournitures",
    ), OFFICE, remote=True),
    Job("Comptable", "M1203", False, (
        "saisir et contrôler les écritures",
        "préparer les déclarations de TVA",
        "participer aux clôtures",
        "suivre les relances clients",
    ), OFFICE, ("BTS Comptabilité et gestion ou équivalent.",), remote=True),
    Job("Assistant ressources humaines", "M1501", False, (
        "préparer les contrats de travail",
        "suivre les absences et les visites médicales",
        "organiser les sessions de formation",
        "accueillir les nouveaux salariés",
    ), OFFICE, remote=True),
    Job("Technico-commercial", "D1407", False, (
        "prospecter les entreprises de la région",
        "présenter nos solutions",
        "établir les devis",
        "fidéliser les clients",
    ), (C.cdi, C.alternance, C.stage), ("Permis B indispensable.",)),
    Job("Chargé de recrutement", "M1502", False, (
        "rédiger et diffuser les offres",
        "mener les entretiens",
        "organiser les job datings",
        "suivre les nouveaux arrivants",
    ), (C.cdi, C.cdd, C.alternance, C.stage), remote=True),
)

AUTOMOTIVE = _jobs(
    Job("Mécanicien automobile", "I1604", False, (
        "réaliser l'entretien et la réparation des véhicules",
        "diagnostiquer les pannes à l'aide de la valise",
        "conseiller les clients",
        "tenir l'atelier propre et rangé",
    ), (C.cdi, C.cdd, C.alternance)),
    Job("Carrossier-peintre", "I1606", False, (
        "redresser et remplacer les éléments de carrosserie",
        "préparer et peindre les véhicules",
        "estimer la durée des réparations",
        "respecter les normes environnementales",
    ), (C.cdi, C.cdd, C.alternance)),
    Job("Préparateur de véhicules", "I1604", True, (
        "nettoyer et préparer les véhicules avant livraison",
        "réaliser les contrôles de base",
        "déplacer les véhicules sur le parc",
        "signaler les dommages",
    ), (C.cdi, C.cdd, C.interim)),
)

INSERTION = _jobs(
    Job("Agent d'entretien des espaces verts", "A1203", True, (
        "entretenir les berges du canal et les jardins partagés",
        "tailler les haies et tondre",
        "planter et arroser",
        "apprendre à utiliser le petit outillage en sécurité",
    ), (C.insertion,)),
    Job("Agent de tri en ressourcerie", "H3302", True, (
        "trier les objets et les textiles donnés",
        "tester et nettoyer les objets remis en vente",
        "mettre en rayon la boutique solidaire",
        "accueillir les donateurs",
    ), (C.insertion,)),
    Job("Ouvrier polyvalent du second œuvre", "F1704", True, (
        "participer à la rénovation de logements",
        "poser des cloisons et des revêtements",
        "peindre et faire les finitions",
        "entretenir l'outillage",
    ), (C.insertion,)),
    Job("Employé de vente en boutique solidaire", "D1507", True, (
        "accueillir les clients de la boutique",
        "mettre en valeur les articles",
        "tenir la caisse",
        "participer aux inventaires",
    ), (C.insertion,)),
    Job("Agent de propreté urbaine", "K2303", True, (
        "nettoyer les espaces publics du quartier",
        "enlever les dépôts sauvages",
        "sensibiliser les habitants au tri",
        "entretenir le matériel",
    ), (C.insertion,)),
)

TRAINING = _jobs(
    Job("Préparateur de commandes", "N1103", True, (
        "apprendre les gestes et postures de la préparation de commandes",
        "passer le CACES R489 catégories 1 et 3",
        "découvrir la gestion d'entrepôt",
        "effectuer un stage de quatre semaines chez un employeur partenaire",
    ), (C.training,)),
    Job("Agent de sécurité", "K2503", True, (
        "préparer le CQP Agent de prévention et de sécurité",
        "obtenir le SST et le SSIAP 1",
        "découvrir les sites de nos entreprises partenaires",
        "préparer les entretiens d'embauche",
    ), (C.training,)),
    Job("Développeur web", "M1805", True, (
        "apprendre HTML, CSS, JavaScript et Python",
        "réaliser un projet en équipe",
        "découvrir les méthodes agiles",
        "effectuer une période en entreprise",
    ), (C.training,), remote=True),
    Job("Technicien support informatique", "I1401", True, (
        "apprendre à installer et dépanner les postes de travail",
        "découvrir les réseaux et la gestion des comptes",
        "s'entraîner au support téléphonique",
        "effectuer un stage en entreprise",
    ), (C.training,), remote=True),
    Job("Soudeur", "H2913", True, (
        "apprendre les procédés TIG et MIG/MAG",
        "lire les plans de fabrication",
        "préparer une qualification de soudeur",
        "effectuer une période en entreprise",
    ), (C.training,)),
    Job("Aide à domicile", "K1304", True, (
        "apprendre les gestes du quotidien auprès des personnes fragiles",
        "connaître les règles d'hygiène et de sécurité",
        "préparer un titre professionnel",
        "effectuer un stage dans une structure d'aide à domicile",
    ), (C.training,)),
)

# ----------------------------------------------------------------------------- the employers

PLACES_NORTH = ("Roubaix", "Tourcoing", "Wattrelos", "Croix", "Halluin", "Hem")
PLACES_CENTRE = ("Lille", "Lomme", "Lambersart", "La Madeleine", "Marcq-en-Barœul", "Hellemmes")
PLACES_SOUTH = ("Lesquin", "Seclin", "Ronchin", "Faches-Thumesnil", "Loos", "Haubourdin")
PLACES_EAST = ("Villeneuve-d'Ascq", "Mons-en-Barœul", "Wasquehal", "Hem")


@dataclass
class Company:
    name: str
    sector: str
    city: str
    website: str
    description: str
    pitch: str
    jobs: tuple[Job, ...]
    places: tuple[str, ...]
    offers: int
    contract_weights: dict[ContractType, int] = field(default_factory=dict)
    schedules: tuple[str, ...] = ()
    perks: tuple[str, ...] = ()
    pay: tuple[int, int] = (1850, 2300)  # monthly gross euros, beginner and experienced
    kind: str = "employer"  # or "agency", "insertion", "training": how its offers are worded


DEFAULT_WEIGHTS = {C.cdi: 10, C.cdd: 5, C.interim: 3, C.alternance: 3, C.stage: 2, C.insertion: 1, C.training: 1}
SHIFT_WORK = ("Travail en deux équipes (5 h – 13 h / 13 h – 21 h), du lundi au vendredi.",
              "Horaires de nuit (21 h – 5 h), avec majoration de 25 %.",
              "Horaires de journée (8 h – 16 h), samedi travaillé une semaine sur quatre.")
CARE_HOURS = ("Horaires de jour, un week-end sur deux travaillé.",
              "Temps partiel possible (de 24 à 35 heures par semaine), planning connu un mois à l'avance.",
              "Horaires en 12 heures (7 h – 19 h), trois à quatre jours par semaine.")
SHOP_HOURS = ("Du lundi au samedi, avec un jour de repos en semaine.",
              "Ouverture ou fermeture selon le planning, dimanche matin une fois par mois.",
              "Temps partiel de 25 à 30 heures, évolutif vers un temps plein.")
RESTAURANT_HOURS = ("Horaires en coupure, deux jours de repos consécutifs.",
                    "Service du soir et week-end, repas pris sur place.",
                    "Horaires continus de 7 h à 15 h, du mardi au samedi.")
SITE_HOURS = ("Du lundi au vendredi, 39 heures par semaine, heures supplémentaires payées.",
              "Journées de 7 h 30 à 16 h 30, chantiers dans la Métropole.",
              "Panier repas et indemnités de trajet selon la convention collective.")
OFFICE_HOURS = ("Horaires de bureau du lundi au vendredi, 35 heures par semaine.",
                "Horaires variables avec plages fixes (9 h 30 – 16 h).",
                "37 heures par semaine et 12 jours de RTT.")
PUBLIC_HOURS = ("Temps complet, 35 heures par semaine, 25 jours de congés et RTT.",
                "Horaires en journée, travail ponctuel lors des événements de la ville.",
                "Contrat de droit public, rémunération selon la grille indiciaire.")

COMMON_PERKS = ("Mutuelle d'entreprise prise en charge à 60 %.",
                "Prise en charge de 75 % de l'abonnement aux transports en commun.",
                "Titres-restaurant de 9 €.",
                "Accès en métro et en bus, parking vélo sécurisé.",
                "Comité social et économique : chèques-vacances et billetterie.",
                "Parcours d'intégration avec un tuteur pendant les premières semaines.")

COMPANIES: list[Company] = [
    Company("Nordlog Entrepôts", "Logistique", "Lesquin", "https://nordlog.example",
            "Prestataire logistique pour la grande distribution et le commerce en ligne : 4 entrepôts et "
            "650 salariés dans la Métropole.",
            "Nous préparons chaque jour 40 000 commandes pour les enseignes de la région. Venez découvrir "
            "nos métiers : beaucoup de postes sont ouverts sans expérience, avec une formation à l'arrivée.",
            LOGISTICS, ("Lesquin", "Seclin", "Lomme", "Villeneuve-d'Ascq"), 40,
            {C.cdi: 6, C.cdd: 3, C.interim: 4, C.alternance: 2, C.stage: 1, C.training: 1},
            SHIFT_WORK, ("Prime d'assiduité mensuelle.", "CACES financé par l'entreprise."), (1850, 2250)),
    Company("Transports Delannoy", "Transport routier", "Tourcoing", "https://transports-delannoy.example",
            "Entreprise familiale de transport régional de marchandises, 180 conducteurs.",
            "Trois générations de transporteurs : nous recrutons des conducteurs, des exploitants et des "
            "mécaniciens, et nous finançons le permis C pour nos salariés motivés.",
            TRANSPORT[:2] + TRANSPORT[4:] + LOGISTICS[2:3], ("Tourcoing", "Halluin", "Roncq", "Lesquin"), 25,
            {C.cdi: 8, C.cdd: 3, C.interim: 3, C.alternance: 2, C.stage: 1},
            SITE_HOURS[:1] + ("Découchés rares : retour au domicile chaque soir.",), ("Véhicules récents et équipés.",),
            (2050, 2600)),
    Company("Mobilités Métropole Réseau", "Transport de voyageurs", "Marcq-en-Barœul",
            "https://mobilites-metropole.example",
            "Opérateur de lignes de bus urbaines et de transport à la demande pour les communes de la Métropole.",
            "Conduire un bus, c'est un métier de service : nous formons nos futurs conducteurs au permis D, "
            "rémunérés pendant la formation.",
            TRANSPORT[2:4] + TRANSPORT[4:6] + OFFICE_JOBS[2:3],
            ("Marcq-en-Barœul", "Lille", "Villeneuve-d'Ascq", "Roubaix"), 20,
            {C.cdi: 6, C.cdd: 2, C.training: 4, C.alternance: 2, C.stage: 1},
            ("Service en horaires décalés, planning connu trois semaines à l'avance.",),
            ("Transports gratuits pour vous et votre famille.",), (2000, 2450)),
    Company("Marché Frais Lomme", "Grande distribution", "Lomme", "https://marchefrais-lomme.example",
            "Hypermarché indépendant de 9 000 m² avec drive, boulangerie et boucherie traditionnelles.",
            "Notre magasin emploie 320 personnes. Nous recrutons toute l'année, avec des parcours "
            "d'évolution vers le management de rayon.",
            RETAIL, ("Lomme", "Englos", "Lambersart", "Haubourdin"), 35,
            {C.cdi: 6, C.cdd: 5, C.interim: 1, C.alternance: 3, C.stage: 2},
            SHOP_HOURS, ("Remise de 10 % sur les achats.",), (1820, 2300)),
    Company("Boulangeries Maison Vandamme", "Artisanat alimentaire", "Lille", "https://maison-vandamme.example",
            "Douze boulangeries artisanales dans la Métropole, pains au levain et viennoiseries maison.",
            "Nous formons chaque année quinze apprentis. Passionné ou curieux, venez pétrir avec nous !",
            RETAIL[2:5], ("Lille", "Lambersart", "Marcq-en-Barœul", "La Madeleine", "Croix"), 18,
            {C.cdi: 5, C.cdd: 3, C.alternance: 5},
            ("Début de journée à 4 h pour la production, à 6 h 30 pour la vente.",), ("Pain offert chaque jour.",),
            (1850, 2250)),
    Company("Sport & Nature Villeneuve", "Commerce de sport", "Villeneuve-d'Ascq", "https://sport-nature.example",
            "Magasin d'articles de sport et de plein air de 3 000 m².",
            "Vous aimez le sport et le contact ? Rejoignez une équipe qui conseille les pratiquants de "
            "tous niveaux.", RETAIL[6:8] + RETAIL[0:2] + OFFICE_JOBS[3:4], PLACES_EAST, 18,
            {C.cdi: 5, C.cdd: 4, C.alternance: 3, C.stage: 2},
            SHOP_HOURS, ("Remise de 20 % sur le matériel de sport.",), (1820, 2250)),
    Company("EHPAD Les Jardins de la Deûle", "Médico-social", "Lambersart", "https://jardins-deule.example",
            "Trois établissements pour personnes âgées dépendantes, 280 résidents.",
            "Prendre soin, c'est un métier. Nous accueillons aussi des personnes en reconversion et "
            "finançons les formations d'aide-soignant.",
            CARE, ("Lambersart", "Marquette-lez-Lille", "Saint-André-lez-Lille", "Lomme"), 24,
            {C.cdi: 7, C.cdd: 4, C.interim: 1, C.alternance: 3, C.stage: 1},
            CARE_HOURS, ("Prime Ségur et reprise d'ancienneté.",), (1900, 2450)),
    Company("Entour'âge Aide à domicile", "Aide à domicile", "Roubaix", "https://entourage-domicile.example",
            "Association d'aide et d'accompagnement à domicile, 900 personnes accompagnées.",
            "Nos intervenants aident chaque jour des personnes âgées à rester chez elles. Postes ouverts "
            "aux débutants avec un accompagnement vers le diplôme.",
            CARE[3:6], PLACES_NORTH, 28, {C.cdi: 7, C.cdd: 4, C.alternance: 2},
            CARE_HOURS[:2] + ("Interventions en secteur proche de votre domicile.",),
            ("Téléphone professionnel fourni.", "Indemnités kilométriques."), (1800, 2150)),
    Company("Clinique des Trois Rivières", "Santé", "Lille", "https://clinique-trois-rivieres.example",
            "Clinique de médecine, chirurgie et soins de suite, 220 lits.",
            "Une équipe soignante soudée, des plannings stables et une vraie politique de formation.",
            CARE[0:3] + CARE[7:9] + OFFICE_JOBS[2:4], ("Lille", "Ronchin", "Faches-Thumesnil"), 22,
            {C.cdi: 7, C.cdd: 4, C.interim: 2, C.alternance: 2, C.stage: 2},
            CARE_HOURS, ("Crèche d'entreprise.",), (1950, 2600)),
    Company("Hôtels du Vieux-Lille", "Hôtellerie", "Lille", "https://hotels-vieux-lille.example",
            "Groupe de quatre hôtels de 60 à 140 chambres dans le centre historique.",
            "Accueillir des voyageurs du monde entier au cœur du Vieux-Lille : nous formons nos équipes "
            "et favorisons la mobilité entre nos hôtels.",
            HOSPITALITY[3:4] + HOSPITALITY[5:7] + HOSPITALITY[9:10] + HOSPITALITY[0:2],
            ("Lille", "Lille", "Marcq-en-Barœul"), 22,
            {C.cdi: 6, C.cdd: 4, C.interim: 2, C.alternance: 3, C.stage: 3},
            RESTAURANT_HOURS, ("Repas pris sur place.", "Tarifs préférentiels dans le groupe."), (1820, 2250)),
    Company("Brasseries des Beffrois", "Restauration", "Lille", "https://brasseries-beffrois.example",
            "Six brasseries et deux restaurants rapides dans la Métropole.",
            "Cuisine du Nord faite maison, service chaleureux : nous recrutons en salle et en cuisine, "
            "avec ou sans expérience.",
            HOSPITALITY[0:5] + HOSPITALITY[7:9], ("Lille", "Roubaix", "Tourcoing", "Villeneuve-d'Ascq"), 24,
            {C.cdi: 6, C.cdd: 4, C.interim: 2, C.alternance: 3},
            RESTAURANT_HOURS, ("Pourboires partagés.", "Repas pris sur place."), (1820, 2300)),
    Company("Bâtir Nord Construction", "Bâtiment", "Villeneuve-d'Ascq", "https://batir-nord.example",
            "Entreprise générale de bâtiment : logements, équipements publics, réhabilitation.",
            "Nos chantiers transforment la Métropole. Nous recrutons compagnons, chefs d'équipe et "
            "alternants, et nous travaillons avec les structures d'insertion.",
            CONSTRUCTION[0:2] + CONSTRUCTION[4:8], ("Villeneuve-d'Ascq", "Lille", "Roubaix", "Loos", "Hem"), 30,
            {C.cdi: 6, C.cdd: 3, C.interim: 4, C.alternance: 3, C.stage: 1},
            SITE_HOURS, ("Véhicule de chantier pour les chefs d'équipe.",), (1950, 2600)),
    Company("Énergies Leroy", "Électricité et génie climatique", "Wattrelos", "https://energies-leroy.example",
            "Installation électrique, plomberie et pompes à chaleur pour particuliers et bailleurs.",
            "La transition énergétique a besoin de bras : formez-vous avec nous aux pompes à chaleur et "
            "aux installations photovoltaïques.",
            CONSTRUCTION[2:4] + CONSTRUCTION[9:10] + OFFICE_JOBS[6:7], ("Wattrelos", "Roubaix", "Croix", "Tourcoing"),
            20,
            {C.cdi: 6, C.cdd: 2, C.interim: 3, C.alternance: 4, C.stage: 1},
            SITE_HOURS, ("Véhicule de service et outillage fournis.",), (2000, 2650)),
    Company("TP Réseaux du Nord", "Travaux publics", "Seclin", "https://tp-reseaux-nord.example",
            "Travaux publics : réseaux d'eau, voirie, aménagements urbains.",
            "Nous construisons les réseaux de demain. Postes ouverts aux débutants motivés, permis "
            "poids lourd financé.", CONSTRUCTION[8:9] + CONSTRUCTION[1:2] + CONSTRUCTION[6:7] + TRANSPORT[0:1],
            PLACES_SOUTH, 18, {C.cdi: 5, C.cdd: 2, C.interim: 4, C.alternance: 3, C.stage: 1},
            SITE_HOURS, ("Paniers repas et indemnités de trajet.",), (1950, 2550)),
    Company("Conserverie des Hauts-de-Flandre", "Industrie agroalimentaire", "Haubourdin",
            "https://conserverie-hauts-de-flandre.example",
            "Fabricant de plats cuisinés et de légumes en conserve, 410 salariés.",
            "Des produits du Nord, cuisinés dans le Nord : nous formons nos opérateurs sur nos lignes.",
            INDUSTRY[0:4] + INDUSTRY[6:7] + INDUSTRY[8:9], ("Haubourdin", "Loos", "Santes", "Seclin"), 25,
            {C.cdi: 6, C.cdd: 4, C.interim: 4, C.alternance: 2, C.stage: 1},
            SHIFT_WORK, ("Prime d'équipe et treizième mois.",), (1870, 2400)),
    Company("Mécanique de précision de Wattrelos", "Industrie mécanique", "Wattrelos",
            "https://mecanique-wattrelos.example",
            "Usinage et assemblage de pièces pour l'aéronautique et le ferroviaire, 140 salariés.",
            "Un savoir-faire reconnu et des machines modernes : nos techniciens se forment tout au long "
            "de leur carrière.", INDUSTRY[2:7] + INDUSTRY[8:9], ("Wattrelos", "Roubaix", "Leers"), 20,
            {C.cdi: 7, C.cdd: 2, C.interim: 4, C.alternance: 3, C.stage: 1, C.training: 1},
            SHIFT_WORK, ("Intéressement et participation.",), (1950, 2700)),
    Company("Ateliers textiles de Roubaix", "Textile", "Roubaix", "https://ateliers-textiles-roubaix.example",
            "Atelier de confection de vêtements de travail et de linge de maison made in France.",
            "La confection revient à Roubaix ! Nous formons nos couturiers en atelier, sans expérience "
            "exigée.", INDUSTRY[7:9] + INDUSTRY[6:7] + INDUSTRY[1:2], ("Roubaix", "Tourcoing", "Croix"), 16,
            {C.cdi: 5, C.cdd: 3, C.alternance: 2, C.training: 3},
            ("Horaires de journée (7 h 30 – 15 h 30), du lundi au vendredi.",), ("Prime de production.",),
            (1820, 2150)),
    Company("Numérik Nord", "Services numériques", "Lille", "https://numerik-nord.example",
            "Entreprise de services numériques de 350 personnes, installée à Euralille.",
            "Développement, infrastructure, cybersécurité : nous accompagnons les entreprises et les "
            "collectivités de la région, et nous ouvrons chaque année une promotion de reconversion.",
            IT, ("Lille", "Lille", "Villeneuve-d'Ascq"), 30,
            {C.cdi: 8, C.cdd: 1, C.alternance: 4, C.stage: 3, C.training: 2},
            OFFICE_HOURS, ("Télétravail jusqu'à trois jours par semaine.", "Ordinateur portable fourni."),
            (2100, 3200)),
    Company("Datalys", "Éditeur de logiciels", "Villeneuve-d'Ascq", "https://datalys.example",
            "Éditeur de logiciels de gestion pour les associations et les collectivités.",
            "Nos logiciels sont utilisés par 4 000 associations. Rejoignez une équipe à taille humaine "
            "près du campus scientifique.", IT[0:1] + IT[2:3] + IT[5:8] + OFFICE_JOBS[6:8],
            ("Villeneuve-d'Ascq",), 18, {C.cdi: 7, C.alternance: 3, C.stage: 3, C.cdd: 1},
            OFFICE_HOURS, ("Télétravail deux jours par semaine.",), (2100, 3100)),
    Company("Caisse Solidaire du Nord", "Banque et assurance", "Lille", "https://caisse-solidaire-nord.example",
            "Banque coopérative régionale, 60 agences dans le Nord.",
            "Une banque coopérative qui recrute ses conseillers en alternance et les forme à tous les "
            "métiers de la relation client.", OFFICE_JOBS[1:6], PLACES_CENTRE + ("Roubaix", "Tourcoing"), 20,
            {C.cdi: 7, C.cdd: 3, C.alternance: 5, C.stage: 2},
            OFFICE_HOURS, ("Intéressement et prêt immobilier à taux préférentiel.",), (2000, 2800)),
    Company("Relais Client Tourcoing", "Centre de relation client", "Tourcoing", "https://relais-client.example",
            "Centre de relation client multicanal pour l'énergie et les télécommunications, 500 conseillers.",
            "Formation rémunérée de trois semaines à l'arrivée : l'écoute compte plus que le CV.",
            OFFICE_JOBS[0:1] + OFFICE_JOBS[0:1] + OFFICE_JOBS[2:4] + OFFICE_JOBS[7:8] + IT[2:3],
            ("Tourcoing", "Roubaix"), 22, {C.cdi: 6, C.cdd: 4, C.interim: 2, C.alternance: 2, C.stage: 1},
            OFFICE_HOURS[:1] + ("Amplitude 8 h – 20 h du lundi au samedi, planning tournant.",),
            ("Primes sur objectifs.",), (1850, 2250)),
    Company("Propreté Services Flandres", "Propreté", "Croix", "https://proprete-flandres.example",
            "Nettoyage de bureaux, de commerces et d'établissements de santé, 700 agents.",
            "Des postes près de chez vous, à temps plein ou partiel, et des parcours vers le métier de "
            "chef d'équipe.", SERVICES[0:3], PLACES_NORTH + PLACES_CENTRE, 22,
            {C.cdi: 7, C.cdd: 4, C.interim: 2, C.alternance: 1},
            ("Horaires tôt le matin (6 h – 9 h) ou en soirée (18 h – 21 h).",
             "Temps partiel ou temps plein selon les sites."),
            ("Tenue fournie.",), (1800, 2150)),
    Company("Vigilance Sécurité Nord", "Sécurité privée", "Lille", "https://vigilance-securite.example",
            "Sécurité de sites industriels, commerciaux et d'événements.",
            "Nous finançons la carte professionnelle de nos futurs agents et les formons au SSIAP.",
            SERVICES[3:5], ("Lille", "Villeneuve-d'Ascq", "Lesquin", "Roubaix"), 16,
            {C.cdi: 6, C.cdd: 3, C.interim: 2, C.training: 2},
            ("Vacations de 12 heures de jour ou de nuit.",), ("Prime d'habillage et de panier.",), (1850, 2200)),
    Company("Syndicat intercommunal de la Marque", "Services publics", "Hem", "https://si-marque.example",
            "Services publics partagés de six communes de l'est de la Métropole : crèches, écoles, "
            "espaces verts, accueil.",
            "Servir les habitants au quotidien : nos métiers sont ouverts par contrat aux personnes qui ne "
            "sont pas fonctionnaires.", PUBLIC,
            ("Hem", "Croix", "Wasquehal", "Villeneuve-d'Ascq", "Forest-sur-Marque"), 24,
            {C.cdd: 8, C.alternance: 4, C.stage: 2, C.insertion: 1},
            PUBLIC_HOURS, ("Comité d'action sociale.",), (1850, 2250)),
    Company("Garage Central Roubaix", "Automobile", "Roubaix", "https://garage-central.example",
            "Concession multimarque : atelier mécanique, carrosserie et vente de véhicules d'occasion.",
            "Notre atelier forme des apprentis depuis 40 ans : venez apprendre un métier concret.",
            AUTOMOTIVE, ("Roubaix", "Wattrelos"), 12, {C.cdi: 5, C.cdd: 2, C.alternance: 4, C.interim: 1},
            SITE_HOURS[:1], ("Remise sur l'entretien de votre véhicule.",), (1900, 2400)),
    Company("Élan Intérim Métropole", "Travail temporaire", "Lille", "https://elan-interim.example",
            "Agence d'emploi spécialisée dans la logistique, l'industrie et le bâtiment.",
            "Plus de 300 missions par semaine dans la Métropole, et des CDI intérimaires pour celles et "
            "ceux qui veulent de la stabilité.",
            LOGISTICS[0:3] + INDUSTRY[1:2] + INDUSTRY[5:6] + CONSTRUCTION[1:2] + CONSTRUCTION[4:5] + TRANSPORT[1:2],
            PLACES_SOUTH + PLACES_NORTH + ("Lille",), 35, {C.interim: 12, C.cdi: 2, C.cdd: 1},
            SHIFT_WORK, ("Indemnités de fin de mission et congés payés.", "Acompte possible chaque semaine."),
            (1820, 2200), kind="agency"),
    Company("Les Ateliers du Canal", "Insertion par l'activité économique", "Roubaix",
            "https://ateliers-du-canal.example",
            "Atelier et chantier d'insertion : espaces verts, ressourcerie, second œuvre du bâtiment.",
            "Reprendre le travail à son rythme, avec un salaire, une formation et un accompagnement pour "
            "lever les freins (permis, logement, santé).", INSERTION,
            ("Roubaix", "Tourcoing", "Wattrelos", "Lille"), 16,
            {C.insertion: 1}, ("26 heures par semaine, du lundi au jeudi.",),
            ("Accompagnement socioprofessionnel individuel.", "Formation au permis B possible."), (1500, 1500),
            kind="insertion"),
    Company("Campus Métiers Nord", "Formation professionnelle", "Villeneuve-d'Ascq", "https://campus-metiers-nord.example",
            "Organisme de formation : parcours qualifiants et préparations opérationnelles à l'emploi.",
            "Une formation courte, financée et rémunérée, avec un employeur qui s'engage à vous embaucher "
            "à la fin.", TRAINING, ("Villeneuve-d'Ascq", "Lille", "Roubaix", "Lesquin"), 18,
            {C.training: 1}, ("Formation à temps plein, du lundi au vendredi, de 9 h à 17 h.",),
            ("Matériel pédagogique fourni.", "Aide aux frais de transport et de repas.",
             "Accompagnement jusqu'à l'embauche."), (1500, 1500), kind="training"),
]

# Teams or sites that tell apart the offers a company publishes several times for the same job.
COMPANY_QUALIFIERS: dict[str, tuple[str, ...]] = {
    "Nordlog Entrepôts": ("entrepôt e-commerce", "entrepôt produits frais", "entrepôt grande distribution"),
    "Marché Frais Lomme": ("rayon frais", "drive", "rayon épicerie"),
    "Hôtels du Vieux-Lille": ("Hôtel de la Treille", "Hôtel du Beffroi", "Hôtel des Remparts"),
    "Brasseries des Beffrois": ("brasserie de la Grand-Place", "brasserie de la gare", "restaurant du parc"),
    "Bâtir Nord Construction": ("chantier de logements", "réhabilitation", "équipements publics"),
    "Conserverie des Hauts-de-Flandre": ("atelier légumes", "atelier plats cuisinés"),
    "Mécanique de précision de Wattrelos": ("ferroviaire", "aéronautique"),
    "Numérik Nord": ("pôle santé", "pôle collectivités", "pôle industrie"),
    "Relais Client Tourcoing": ("service énergie", "service télécoms"),
    "Propreté Services Flandres": ("bureaux", "établissements de santé", "commerces"),
    "Vigilance Sécurité Nord": ("site industriel", "centre commercial", "événementiel"),
}

# Ways job boards tell apart offers of the same contract; none contradicts the offer's text.
CONTRACT_QUALIFIERS: dict[ContractType, tuple[str, ...]] = {
    C.cdi: ("création de poste", "démarrage immédiat", "poste évolutif"),
    C.cdd: ("remplacement", "renfort", "démarrage immédiat"),
    C.interim: ("démarrage immédiat", "renfort", "possibilité d'embauche"),
    C.alternance: ("rentrée de septembre", "rentrée de janvier"),
    C.stage: ("printemps", "été", "fin d'études"),
    C.insertion: ("entrée immédiate", "entrée en septembre"),
    C.training: ("session de janvier", "session de mars", "session de septembre"),
}

PARTNERS = [
    ("Association Tremplin Emploi Nord", PartnerType.association, "Roubaix", "https://tremplin-emploi-nord.example",
     "Association d'accompagnement vers l'emploi des habitants des quartiers prioritaires."),
    ("Mission locale de la Métropole Sud", PartnerType.mission_locale, "Lille", "https://mission-locale-sud.example",
     "Accompagne les jeunes de 16 à 25 ans vers l'emploi, la formation et l'autonomie."),
    ("France Travail — agence de Villeneuve-d'Ascq", PartnerType.employment_agency, "Villeneuve-d'Ascq", None,
     "Agence de France Travail : inscription, indemnisation et accompagnement des demandeurs d'emploi."),
]

EDITION_DESCRIPTION = (
    "Deux jours pour rencontrer des employeurs qui recrutent près de chez vous, en ligne et sur place.\n"
    "\n"
    "Plus de vingt entreprises et structures de la Métropole présentent leurs métiers et leurs offres : "
    "logistique, commerce, santé et aide à domicile, hôtellerie-restauration, bâtiment, transport, industrie, "
    "numérique et services publics. CDI, CDD, intérim, alternance, stages, contrats d'insertion et formations "
    "financées : il y en a pour tous les parcours, et beaucoup d'offres sont ouvertes aux débutants.\n"
    "\n"
    "Inscrivez-vous, consultez les stands, réservez des entretiens de quinze à vingt minutes par vidéo, par "
    "téléphone ou sur place. Les conseillers de France Travail, de la Mission locale et de nos associations "
    "partenaires vous aident à préparer vos rencontres.\n"
    "\n"
    "Sur place : entrée libre, accessible aux personnes à mobilité réduite, métro ligne 1 ou 2."
)

DRAFT_DESCRIPTION = (
    "Une matinée de rencontres entre employeurs et candidats à l'alternance, de la troisième au bac +5.\n"
    "\n"
    "Programme en cours de préparation."
)

# ----------------------------------------------------------------------------- text generation

CONTRACT_SENTENCES = {
    C.cdi: ("CDI à temps plein, après une période d'essai de deux mois.",
            "CDI, temps plein ou temps partiel selon votre choix.",
            "CDI à pourvoir dès que possible."),
    C.cdd: ("CDD de {months} mois, avec possibilité de prolongation.",
            "CDD de {months} mois pour renforcer l'équipe.",
            "CDD de {months} mois pouvant déboucher sur un CDI."),
    C.interim: ("Mission d'intérim de {weeks} semaines, renouvelable, avec possibilité d'embauche.",
                "Missions d'intérim régulières, indemnités de fin de mission en plus du salaire.",
                "Mission longue en intérim ({weeks} semaines et plus)."),
    C.alternance: ("Contrat d'apprentissage ou de professionnalisation de 12 à 24 mois, avec un tuteur dédié.",
                   "Alternance de 12 à 36 mois, rythme école-entreprise à définir avec le centre de formation.",),
    C.stage: ("Stage de {months} mois, gratification selon la réglementation.",
              "Stage conventionné de {months} mois, possibilité d'embauche à la suite."),
    C.insertion: ("Contrat à durée déterminée d'insertion (CDDI) de 4 mois, renouvelable jusqu'à 24 mois.",
                  "Contrat d'insertion de 26 heures par semaine, avec un accompagnement personnalisé."),
    C.training: ("Préparation opérationnelle à l'emploi collective (POEC) de {hours} heures, financée, avec une "
                 "promesse d'embauche à la fin.",
                 "Formation qualifiante de {hours} heures, gratuite, rémunérée par France Travail, suivie d'un "
                 "recrutement chez nos entreprises partenaires."),
}

CONTRACT_REQUIREMENTS = {
    C.alternance: "Avoir entre 16 et 29 ans révolus (sans limite d'âge pour les personnes en situation de "
                  "handicap) et être inscrit ou admis dans une formation en alternance.",
    C.stage: "Être inscrit dans une formation permettant une convention de stage.",
    C.insertion: "Être éligible à l'insertion par l'activité économique : parlez-en à votre conseiller France "
                 "Travail, Mission locale ou référent RSA.",
    C.training: "Être inscrit à France Travail comme demandeur d'emploi.",
}

SOFT_SKILLS = ("Ponctualité et fiabilité.", "Goût du travail en équipe.", "Sens du service.",
               "Rigueur et organisation.", "Capacité d'adaptation.", "Bonne communication orale.",
               "Envie d'apprendre.", "Respect des consignes de sécurité.")


def _title(job: Job, contract: ContractType, qualifier: str | None = None) -> str:
    more = f" — {qualifier}" if qualifier else ""
    if contract is C.alternance:
        return f"{job.title} en alternance{more} H/F"
    if contract is C.stage:
        return f"Stage — {job.title}{f' ({qualifier})' if qualifier else ''} H/F"
    if contract is C.insertion:
        return f"{job.title} en parcours d'insertion{more} H/F"
    if contract is C.training:
        return f"{job.title} — formation financée (POEC){f', {qualifier}' if qualifier else ''} H/F"
    return f"{job.title}{more} H/F"


def _euros(amount: int) -> str:
    return f"{amount:,}".replace(",", "\u202f") + " €"


def _pay(company: Company, contract: ContractType, beginner: bool, rng: random.Random) -> str:
    if contract is C.alternance:
        return "Rémunération selon l'âge et l'année de formation, prime d'apprentissage possible."
    if contract is C.stage:
        return "Gratification selon la réglementation en vigueur."
    if contract is C.training:
        return "Rémunération pendant la formation versée par France Travail ou la Région."
    if contract is C.insertion:
        return "Rémunération au SMIC horaire."
    low, high = company.pay
    base = low if beginner else high
    base += rng.choice((0, 50, 100, 150))
    return f"Salaire : à partir de {_euros(base)} brut par mois, selon expérience."


def _offer_texts(company: Company, job: Job, contract: ContractType, place: str, positions: int,
                 beginners: bool, rng: random.Random) -> tuple[str, str]:
    missions = list(job.missions)
    rng.shuffle(missions)
    count = "un poste" if positions == 1 else f"{positions} postes"
    if company.kind == "training":
        seats = "une place" if positions == 1 else f"{positions} places"
        intro = f"{company.name} ouvre une session de formation à {place} ({seats})."
    elif company.kind == "insertion":
        intro = f"Parcours d'insertion à {place} : {count} à pourvoir dans nos ateliers."
    elif company.kind == "agency":
        intro = rng.choice((
            f"Pour l'un de nos clients à {place}, nous recherchons des profils motivés ({count}).",
            f"{company.name} recrute pour une entreprise cliente basée à {place} ({count}).",
        ))
    else:
        intro = rng.choice((
            f"{company.name} recrute pour son site de {place} ({count} à pourvoir).",
            f"À {place}, {company.name} renforce son équipe : {count} à pourvoir.",
            f"Rejoignez {company.name} à {place} : {count} à pourvoir.",
        ))
    sentence = rng.choice(CONTRACT_SENTENCES[contract]).format(
        months=rng.choice((3, 4, 6, 9, 12)), weeks=rng.choice((4, 8, 12)), hours=rng.choice((280, 350, 400)))
    heading = "Au programme :" if contract is C.training else "Vos missions :"
    lines = [intro, "", heading]
    lines += [f"- {m[0].upper()}{m[1:]} ;" for m in missions[:3]]
    lines[-1] = lines[-1][:-2] + "."
    lines += ["", sentence]
    if company.schedules:
        lines.append(rng.choice(company.schedules))
    lines.append(_pay(company, contract, beginners, rng))
    if company.kind in ("training", "insertion"):
        perks = list(company.perks)
    else:
        perks = list(company.perks) + rng.sample(COMMON_PERKS, 2)
    lines += ["", "Nous offrons :"] + [f"- {p}" for p in perks[:3]]

    requirements: list[str] = []
    if beginners:
        requirements.append(rng.choice((
            "Débutants bienvenus : vous serez formé à votre poste.",
            "Aucune expérience exigée : une formation est assurée à votre arrivée.",
            "Ouvert aux débutants et aux personnes en reconversion.",
        )))
    elif contract not in (C.stage, C.alternance):
        requirements.append(rng.choice((
            "Une première expérience de six mois sur un poste similaire.",
            "Une expérience d'un an au moins dans le métier.",
            "Deux ans d'expérience dans le métier, en entreprise ou en alternance.",
        )))
    requirements += list(job.requires)
    if contract in CONTRACT_REQUIREMENTS:
        requirements.append(CONTRACT_REQUIREMENTS[contract])
    requirements += rng.sample(SOFT_SKILLS, 2)
    return "\n".join(lines), "\n".join(f"- {r}" for r in requirements)


def _pick_contract(company: Company, job: Job, rng: random.Random) -> ContractType:
    weights = company.contract_weights or DEFAULT_WEIGHTS
    options = [c for c in job.contracts if c in weights]
    if not options:
        return job.contracts[0]
    return rng.choices(options, weights=[weights[c] for c in options])[0]


def _remote(job: Job, contract: ContractType, rng: random.Random) -> RemoteMode:
    if not job.remote or contract in (C.insertion,):
        return RemoteMode.none
    return rng.choices((RemoteMode.none, RemoteMode.partial, RemoteMode.full), weights=(3, 6, 2))[0]


def offer_rows(booth_ids: list[int], rng: random.Random, now: dt.datetime | None = None) -> list[dict]:
    """The offers of every demo booth, as plain rows for one bulk insert."""
    now = now or utcnow()
    rows: list[dict] = []
    for company, booth_id in zip(COMPANIES, booth_ids, strict=True):
        taken: set[tuple[str, str]] = set()
        for index in range(company.offers):
            # Every job of the company appears once before any repeats; repeats get told apart by
            # a team, a site or a start date, and never share a title and a place.
            for _attempt in range(20):
                job = company.jobs[index] if index < len(company.jobs) else rng.choice(company.jobs)
                contract = _pick_contract(company, job, rng)
                place = rng.choice(company.places)
                qualifier = None
                if index >= len(company.jobs) and rng.random() < 0.7:
                    choices = COMPANY_QUALIFIERS.get(company.name, ()) + CONTRACT_QUALIFIERS[contract]
                    qualifier = rng.choice(choices)
                title = _title(job, contract, qualifier)
                if (title, place) not in taken:
                    break
            taken.add((title, place))
            positions = rng.choices((1, 2, 3, 4, 5, 8, 10), weights=(40, 20, 12, 8, 6, 4, 3))[0]
            if contract is C.interim:
                positions = max(positions, rng.choice((2, 3, 5, 10)))
            elif contract in (C.stage, C.alternance):
                positions = min(positions, 2)
            elif contract is C.training:
                positions = rng.choice((8, 10, 12, 15))
            beginners = (rng.random() < 0.85) if job.beginner else (rng.random() < 0.12)
            if contract in (C.insertion, C.training, C.alternance, C.stage):
                beginners = True  # these contracts exist for people who are learning the job
            description, requirements = _offer_texts(company, job, contract, place, positions, beginners, rng)
            published = now - dt.timedelta(minutes=rng.randrange(5, 21 * 24 * 60))
            rows.append({
                "booth_id": booth_id,
                "title": title,
                # Published over the last three weeks, as offers arrive before a fair.
                "created_at": published,
                "updated_at": published,
                "contract_type": contract,
                "positions": positions,
                "place": place,
                "remote": _remote(job, contract, rng),
                "description": description,
                "requirements": requirements,
                "rome_code": job.rome,
                "open_to_beginners": beginners,
                "is_published": True,
            })
    return rows


# ----------------------------------------------------------------------------- dates

def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(DEMO_TIMEZONE)).astimezone(dt.timezone.utc)


def demo_dates(now: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """A Tuesday–Wednesday at least two weeks ahead, so the fair always looks current."""
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
    first = today + dt.timedelta(days=14)
    first += dt.timedelta(days=(1 - first.weekday()) % 7)  # next Tuesday
    second = first + dt.timedelta(days=1)
    return {
        "starts_at": _local(first, 9),
        "ends_at": _local(second, 17),
        "registration_opens_at": _local(today - dt.timedelta(days=10), 9),
        "registration_closes_at": _local(second, 12),
    }


# ----------------------------------------------------------------------------- loading

def demo_present() -> bool:
    return db.session.execute(select(Edition.id).where(Edition.slug == DEMO_SLUG)).first() is not None


def database_is_empty() -> bool:
    return db.session.execute(select(func.count(Edition.id))).scalar_one() == 0


def load_demo(only_if_empty: bool = False) -> bool:
    """Load the demo fair and its logins; False (and nothing written) when it is already there.

    With only_if_empty, nothing is loaded into a database that holds any edition (what `make run`
    does on every start). Commits: it is a command, not a service.
    """
    if (only_if_empty and not database_is_empty()) or demo_present():
        return False
    if db.session.execute(select(User.id).where(func.lower(User.email).in_([e for _, e, _ in DEMO_LOGINS]))).first():
        log.warning("demo logins already exist without the demo fair: not loading the demo")
        return False

    rng = random.Random(SEED)
    session = db.session
    now = utcnow()

    organiser = Organisation(kind=OrganisationKind.organiser,
                             name="Métropole européenne de Lille — Direction de l'emploi", city="Lille", website="https://emploi-metropole.example",
                             description="Service emploi et insertion de la Métropole : forums, job datings et "
                                         "rencontres entre employeurs et habitants.")
    companies = [Organisation(kind=OrganisationKind.company, name=c.name, city=c.city, website=c.website,
                              description=c.description) for c in COMPANIES]
    partners = [Organisation(kind=OrganisationKind.partner, partner_type=ptype, name=name, city=city, website=site,
                             description=text) for name, ptype, city, site, text in PARTNERS]
    session.add_all([organiser, *companies, *partners])

    password_hash = hash_password(DEMO_PASSWORD)  # one argon2 hash for the logins: loading stays fast
    users = {
        role: User(email=email, full_name=name, password_hash=password_hash, locale="fr",
                   email_confirmed_at=now, security_stamp=secrets.token_hex(16))
        for role, email, name in DEMO_LOGINS
    }
    users["candidate"].phone = "06 00 00 00 00"
    session.add_all(users.values())
    session.add_all([
        Membership(user=users["organiser"], organisation=organiser, role=MembershipRole.owner),
        Membership(user=users["recruiter"], organisation=companies[0], role=MembershipRole.owner),
        Membership(user=users["adviser"], organisation=partners[0], role=MembershipRole.member),
    ])

    edition = Edition(
        organiser=organiser, slug=DEMO_SLUG, title=DEMO_TITLE, description=EDITION_DESCRIPTION,
        timezone=DEMO_TIMEZONE, status=EditionStatus.published,
        audiences=["all", "youth_under_26", "long_term_unemployed", "priority_neighbourhoods", "disability"],
        languages=["fr", "en"], format=EditionFormat.hybrid,
        venue="Lille Grand Palais, 1 boulevard des Cités-Unies, 59777 Lille",
        brand_colour="#1d4f91", booking_policy=BookingPolicy.open, default_slot_minutes=20,
        max_bookings_per_candidate=3, anonymised_applications=False, **demo_dates(now),
    )
    draft_start = demo_dates(now + dt.timedelta(days=60))
    draft = Edition(
        organiser=organiser, slug=DRAFT_SLUG, title="Job dating de l'alternance — Métropole lilloise",
        description=DRAFT_DESCRIPTION, timezone=DEMO_TIMEZONE, status=EditionStatus.draft,
        audiences=["youth_under_26"], languages=["fr"], format=EditionFormat.online,
        booking_policy=BookingPolicy.shortlisted, default_slot_minutes=15, max_bookings_per_candidate=5,
        anonymised_applications=True,
        starts_at=draft_start["starts_at"], ends_at=draft_start["starts_at"] + dt.timedelta(hours=4),
        registration_opens_at=now, registration_closes_at=draft_start["starts_at"] - dt.timedelta(days=1),
    )
    session.add_all([edition, draft])
    session.add_all([EditionPartner(edition=edition, organisation=p) for p in partners])

    booths = [
        Booth(edition=edition, company=org, pitch=company.pitch, stand_number=f"{'ABC'[i // 10]}{i % 10 + 1:02d}")
        for i, (company, org) in enumerate(zip(COMPANIES, companies, strict=True))
    ]
    session.add_all(booths)
    session.flush()

    session.add(BoothStaff(booth=booths[0], user=users["recruiter"], job_title="Chargée de recrutement"))
    session.add_all([
        BoothDocument(booth=booth, title="Nos métiers en vidéo et en images", url=f"{company.website}/metiers")
        for booth, company in zip(booths, COMPANIES, strict=True) if company.offers >= 20
    ])
    session.execute(insert(Offer), offer_rows([b.id for b in booths], rng, now))
    live = _live_fair(session, organiser, companies[:6], users, now)
    _personal_data(session, users, companies[0], now)
    _working_day(session, organiser, companies, partners, users, live, booths[0], now)
    session.commit()
    log.info("demo fair loaded: %d booths, %d offers", len(booths), sum(c.offers for c in COMPANIES))
    return True


LIVE_DESCRIPTION = (
    "Une semaine de salon en ligne : chaque stand a sa file d'attente pour parler tout de suite à un "
    "recruteur en visio ou par téléphone, son fil de questions-réponses, des entretiens à réserver et des "
    "webconférences de découverte des métiers. Depuis un téléphone ou un ordinateur, sans rien installer."
)


def _live_fair(session, organiser: Organisation, companies: list[Organisation], users: dict[str, User],
               now: dt.datetime) -> Edition:
    """An online fair running now, so that a newcomer can try the live parts at once: queues and chat
    on the booths, the recruiter's desk, interview slots with a video room, a webinar, the organiser's
    live dashboard. It runs from the day before loading to six days after."""
    tz = ZoneInfo(DEMO_TIMEZONE)
    today = now.astimezone(tz).date()
    edition = Edition(
        organiser=organiser, slug=LIVE_SLUG, title=LIVE_TITLE, description=LIVE_DESCRIPTION,
        timezone=DEMO_TIMEZONE, status=EditionStatus.live, audiences=["all"], languages=["fr", "en"],
        format=EditionFormat.online, brand_colour="#1d4f91", booking_policy=BookingPolicy.open,
        default_slot_minutes=20, max_bookings_per_candidate=3, anonymised_applications=False,
        # Open round the clock: the demo's live fair runs whenever someone tries it, and its interview
        # slots "from the next full hour" must fall within its opening hours.
        starts_at=_local(today - dt.timedelta(days=1), 0), ends_at=_local(today + dt.timedelta(days=6), 23, 59),
        registration_opens_at=_local(today - dt.timedelta(days=10), 9),
        registration_closes_at=_local(today + dt.timedelta(days=6), 12),
    )
    session.add(edition)
    # The live fair has only the first few companies: zip stops at the shorter list on purpose.
    booths = [Booth(edition=edition, company=org, pitch=company.pitch, stand_number=f"L{i + 1:02d}")
              for i, (company, org) in enumerate(zip(COMPANIES, companies, strict=False))]
    session.add_all(booths)
    session.flush()
    session.add(BoothStaff(booth=booths[0], user=users["recruiter"], job_title="Chargée de recrutement"))
    # Video interviews with the demo recruiter: tomorrow morning, and today from the next full hour.
    tomorrow = today + dt.timedelta(days=1)
    open_availability(session, booth=booths[0], recruiter_id=users["recruiter"].id, mode=SlotMode.video,
                      starts_at=_local(tomorrow, 9), ends_at=_local(tomorrow, 12), slot_minutes=20,
                      buffer_minutes=0)
    next_hour = (now + dt.timedelta(hours=1)).astimezone(tz).replace(minute=0, second=0, microsecond=0)
    if next_hour.date() == today and next_hour.hour < 22:
        open_availability(session, booth=booths[0], recruiter_id=users["recruiter"].id, mode=SlotMode.video,
                          starts_at=next_hour.astimezone(dt.timezone.utc),
                          ends_at=_local(today, min(next_hour.hour + 2, 23)), slot_minutes=20, buffer_minutes=0)
    session.add(Webinar(
        edition=edition, booth=booths[0], title="Découvrir les métiers de l'entrepôt",
        speaker="L'équipe recrutement de " + companies[0].name,
        description="Préparateur de commandes, cariste, chef d'équipe : une journée type, les horaires, "
                    "les formations possibles et vos questions en direct.",
        starts_at=_local(tomorrow, 14), duration_minutes=45, capacity=100, language="fr",
        provider=Provider.jitsi, room="fair-demo-metiers-entrepot", created_by_id=users["recruiter"].id,
    ))
    session.add(Announcement(edition_id=edition.id, author_id=users["organiser"].id,
                             text="Bienvenue au salon en ligne ! Les stands reçoivent sans rendez-vous "
                                  "de 9 h à 17 h : rejoignez une file d'attente depuis la page d'un stand."))
    return edition


# ----------------------------------------------------------------------------- personal data and the working day

SITE_SLUG = "forum-emploi-roubaix-sur-place"
SITE_TITLE = "Forum de l'emploi de Roubaix — sur place et en ligne"
SITE_VENUE = "Salle des fêtes de Roubaix, 12 rue de l'Hôtel-de-Ville, 59100 Roubaix"
SOON_SLUG = "job-dating-hotellerie-restauration"
SOON_TITLE = "Job dating de l'hôtellerie-restauration"
PAST_SLUG = "forum-alternance-metropole"
PAST_TITLE = "Forum de l'alternance de la Métropole"

# Candidates met by the demo recruiter, checked in at the door, answering surveys. They have no
# login of their own to try: their password is random.
PEOPLE: list[tuple[str, str]] = [
    ("amina", "Amina Benali"), ("julien", "Julien Lefebvre"), ("sofia", "Sofia Da Silva"),
    ("kevin", "Kévin Dubois"), ("nadia", "Nadia Haddad"), ("thomas", "Thomas Vasseur"),
    ("chloe", "Chloé Martin"), ("yanis", "Yanis Morel"),
]

# What the demo recruiter wrote after the alternance forum: (person, rating, next step, note).
# Nadia and the demo candidate have no next step yet: they are the pipeline's "to do".
PIPELINE_NOTES: list[tuple[str, int | None, NextStep | None, str]] = [
    ("amina", 5, NextStep.second_interview,
     "Très à l'aise, disponible tout de suite. Lui proposer le poste de préparatrice de commandes en janvier."),
    ("julien", 3, NextStep.keep_in_pool, "CACES 1 et 3 à jour, pas le 5. À rappeler pour le renfort de l'été."),
    ("sofia", 4, NextStep.training, "Intéressée par la formation de cariste de mars : lui envoyer le dossier."),
    ("kevin", 2, NextStep.not_a_fit, "Cherche un poste de journée uniquement ; nos postes sont en 2x8."),
    ("nadia", 4, None, "Bon contact. Attend la réponse de sa mission locale pour le permis B."),
    ("candidate", 4, None, "Motivé, habite près de l'entrepôt de Lesquin."),
]

# Survey answers after the alternance forum: (person, overall, met the companies, would come again, comment).
SURVEY_ANSWERS = [
    ("amina", "5", "yes", "yes", "Très bien organisé, j'ai eu deux entretiens dans la matinée."),
    ("julien", "3", "partly", "maybe", "Le son coupait pendant un entretien en visio."),
    ("sofia", "4", "yes", "yes", ""),
]

OFFER_COPIED = ("title", "contract_type", "positions", "place", "remote", "description", "requirements", "rome_code",
                "open_to_beginners", "is_published")

# A CV as small as a PDF can be: enough for the CV page and its access log.
DEMO_CV = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
           b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _personal_data(session, users: dict[str, User], company: Organisation, now: dt.datetime) -> None:
    """The demo candidate shares their situations for the statistics, stays in the talent pool, and
    has a CV that the demo recruiter opened two days ago: /account/consents and the CV page show it."""
    candidate = users["candidate"]
    session.add(CandidateProfile(user=candidate, city="Roubaix", postcode="59100", situations=["qpv", "under_26"],
                                 situation_consent_at=now, skills="Préparation de commandes, inventaires"))
    with force_locale("fr"):
        for purpose, wording in ((ConsentPurpose.situations, labels.SITUATION_CONSENT_TEXT),
                                 (ConsentPurpose.talent_pool, labels.TALENT_POOL_TEXT)):
            consent.give(session, candidate.id, purpose, str(wording), consent.version_of(wording), locale="fr")
    cv = CandidateCv(user=candidate, kind=CvKind.pdf, original_name="CV Candidat Démo.pdf",
                     storage_name=storage.store(DEMO_CV), size=len(DEMO_CV),
                     sha256=hashlib.sha256(DEMO_CV).hexdigest(), created_at=now - dt.timedelta(days=5))
    session.add(cv)
    session.flush()
    session.add(CvAccess(cv_id=cv.id, viewer_id=users["recruiter"].id, company_id=company.id, action="view",
                         created_at=now - dt.timedelta(days=2, hours=3)))


def _edition(session, organiser: Organisation, slug: str, title: str, description: str, status: EditionStatus,
             starts_at: dt.datetime, ends_at: dt.datetime, **more) -> Edition:
    edition = Edition(organiser=organiser, slug=slug, title=title, description=description, timezone=DEMO_TIMEZONE,
                      status=status, audiences=["all"], languages=["fr"], brand_colour="#1d4f91",
                      booking_policy=BookingPolicy.open, default_slot_minutes=20, max_bookings_per_candidate=3,
                      anonymised_applications=False, starts_at=starts_at, ends_at=ends_at,
                      registration_opens_at=starts_at - dt.timedelta(days=21),
                      registration_closes_at=ends_at - dt.timedelta(hours=4), **more)
    session.add(edition)
    return edition


def _slots(session, booth: Booth, recruiter: User, mode: SlotMode, starts_at: dt.datetime, ends_at: dt.datetime,
           location: str = "") -> list[Slot]:
    availability = open_availability(session, booth=booth, recruiter_id=recruiter.id, mode=mode, starts_at=starts_at,
                                     ends_at=ends_at, slot_minutes=20, buffer_minutes=0, location=location)
    return list(session.execute(select(Slot).where(Slot.availability_id == availability.id)
                                .order_by(Slot.starts_at)).scalars())


def _book(session, slot: Slot, person: User, attended: bool = False) -> Booking:
    booking = Booking(slot_id=slot.id, booth_id=slot.booth_id, edition_id=slot.edition_id, candidate_id=person.id,
                      booked_by_id=person.id, starts_at=slot.starts_at, ends_at=slot.ends_at,
                      status=BookingStatus.active, attendance=Attendance.attended if attended else None,
                      created_at=slot.starts_at - dt.timedelta(days=4))
    session.add(booking)
    return booking


# The people of the alternance forum, as the organiser's report counts them (all agreed to the statistics
# text): (person, birth year, gender, situations, QPV as geocoding placed the address).
PUBLICS: list[tuple[str, int, Gender, list[str], QpvStatus]] = [
    ("amina", 2004, Gender.female, ["rsa"], QpvStatus.inside),
    ("julien", 1998, Gender.male, ["long_term_unemployed"], QpvStatus.outside),
    ("sofia", 2006, Gender.female, [], QpvStatus.inside),
    ("kevin", 1973, Gender.male, ["rqth"], QpvStatus.unknown),
    ("nadia", 2001, Gender.undisclosed, ["qpv"], QpvStatus.unknown),
]


def _outcomes(session, organiser: Organisation, organiser_user_id: int, company: Organisation, recruiter: User,
              past: Edition, bookings: dict[str, Booking], people: dict[str, User], today: dt.date) -> None:
    """After the alternance forum: Amina hired as an apprentice (her first follow-up answered), Sofia in
    the organiser's POEC for forklift drivers before a job, and the publics the report breaks down."""
    for key, born, gender, situations, qpv in PUBLICS:
        session.add(CandidateProfile(user=people[key], birth_year=born, gender=gender, situations=situations,
                                     qpv_status=qpv, city="Roubaix", postcode="59100",
                                     situation_consent_at=bookings[key].created_at))
    cohort = TrainingCohort(organisation_id=organiser.id, edition_id=past.id, name="POEC cariste – Lesquin",
                            kind=CohortKind.poec, starts_on=today + dt.timedelta(days=21),
                            ends_on=today + dt.timedelta(days=21 + 56), created_by_id=organiser_user_id)
    session.add(cohort)
    session.flush()
    bookings["amina"].outcome = BookingOutcome.hired
    hired = outcomes.record(
        session, candidate_id=people["amina"].id, recorded_as=RecordedAs.recruiter, recorded_by_id=recruiter.id,
        edition_id=past.id, company_id=company.id, booking_id=bookings["amina"].id,
        details=outcomes.HireDetails(contract=OutcomeContract.apprenticeship, starts_on=today - dt.timedelta(days=1),
                                     weekly_hours=35, job_title="Préparatrice de commandes en alternance",
                                     social_clause=True, social_clause_contract="Tramway ligne 2 – lot 4"))
    first = next(f for f in session.execute(select(FollowUp).where(FollowUp.outcome_id == hired.id)).scalars()
                 if f.months == 0)
    first.sent_at = first.answered_at = first.due_at
    first.in_job, first.answered_by = True, AnsweredBy.person
    bookings["sofia"].outcome = BookingOutcome.training_proposed
    outcomes.record(
        session, candidate_id=people["sofia"].id, recorded_as=RecordedAs.recruiter, recorded_by_id=recruiter.id,
        edition_id=past.id, company_id=company.id, booking_id=bookings["sofia"].id,
        details=outcomes.HireDetails(contract=OutcomeContract.training, starts_on=cohort.starts_on, weekly_hours=35,
                                     job_title="Cariste (CACES 1, 3 et 5)", cohort_id=cohort.id))


def _working_day(session, organiser: Organisation, companies: list[Organisation], partners: list[Organisation],
                 users: dict[str, User], live: Edition, main_booth: Booth, now: dt.datetime) -> None:
    """Three more editions, so that every page of a recruiter's and an organiser's day has something to show:
    - an alternance forum that ended three days ago: the demo recruiter met six people there, rated and
      noted them (the company pipeline, with two to decide), and three of them answered the survey;
    - a forum at a venue today and tomorrow: the demo candidate holds an interview there ("My ticket"),
      two people are already checked in at the door;
    - a job dating in two days with problems on its health page: a booth without recruiter or slots,
      a referral waiting for the person's consent."""
    tz = ZoneInfo(DEMO_TIMEZONE)
    today = now.astimezone(tz).date()
    recruiter, company = users["recruiter"], companies[0]
    # "!" and random letters: no password verifies against it (and no argon2 hash to compute per person).
    people = {key: User(email=f"{key}@demo.fair", full_name=name, password_hash="!" + secrets.token_hex(16),
                        locale="fr", email_confirmed_at=now, security_stamp=secrets.token_hex(16))
              for key, name in PEOPLE}
    people["candidate"] = users["candidate"]
    session.add_all(people.values())

    # The alternance forum, over: interviews three days ago, then notes and survey answers.
    past_day = today - dt.timedelta(days=3)
    past = _edition(session, organiser, PAST_SLUG, PAST_TITLE,
                    "Une journée en ligne pour trouver un contrat d'apprentissage ou de professionnalisation.",
                    EditionStatus.closed, _local(past_day, 9), _local(past_day, 17), format=EditionFormat.online)
    past_booth = Booth(edition=past, company=company, pitch=COMPANIES[0].pitch, stand_number="A01")
    session.add_all([past_booth, Booth(edition=past, company=companies[1], pitch=COMPANIES[1].pitch,
                                       stand_number="A02")])
    session.flush()
    session.add(BoothStaff(booth=past_booth, user=recruiter, job_title="Chargée de recrutement"))
    slots = _slots(session, past_booth, recruiter, SlotMode.video, _local(past_day, 9), _local(past_day, 11))
    past_bookings = {key: _book(session, slot, people[key], attended=True)
                     for slot, (key, *_rest) in zip(slots, PIPELINE_NOTES, strict=True)}
    session.flush()
    _outcomes(session, organiser, users["organiser"].id, company, recruiter, past, past_bookings, people, today)
    for key, rating, step, note in PIPELINE_NOTES:
        entry = PipelineEntry(company_id=company.id, candidate_id=people[key].id, edition_id=past.id, rating=rating,
                              next_step=step, updated_by_id=recruiter.id, created_at=_local(past_day, 12),
                              updated_at=_local(past_day, 12))
        entry.notes.append(PipelineNote(author_id=recruiter.id, source="interview", body=note,
                                        created_at=_local(past_day, 12)))
        session.add(entry)
    session.add_all([
        SurveyResponse(edition_id=past.id, user_id=people[key].id, role="candidate", comment=comment,
                       answers={"overall": overall, "met_companies": met, "come_again": again},
                       created_at=_local(past_day + dt.timedelta(days=1), 10))
        for key, overall, met, again, comment in SURVEY_ANSWERS
    ])

    # The forum at a venue, today and tomorrow: interviews at the stand tomorrow afternoon.
    site = _edition(session, organiser, SITE_SLUG, SITE_TITLE,
                    "Deux jours de rencontres avec les employeurs de Roubaix et de Tourcoing, à la salle des fêtes "
                    "et en ligne. Présentez votre billet à l'entrée.",
                    EditionStatus.live, _local(today, 9), _local(today + dt.timedelta(days=1), 17),
                    format=EditionFormat.hybrid, venue=SITE_VENUE)
    site_booth = Booth(edition=site, company=company, pitch=COMPANIES[0].pitch, stand_number="S01")
    session.add_all([site_booth] + [
        Booth(edition=site, company=org, pitch=c.pitch, stand_number=f"S{i + 2:02d}")
        for i, (c, org) in enumerate(zip(COMPANIES[2:4], companies[2:4], strict=True))])
    session.flush()
    session.add(BoothStaff(booth=site_booth, user=recruiter, job_title="Chargée de recrutement"))
    tomorrow = today + dt.timedelta(days=1)
    slots = _slots(session, site_booth, recruiter, SlotMode.onsite, _local(tomorrow, 13, 40), _local(tomorrow, 15),
                   location="Stand S01")
    for slot, key in zip(slots, ("nadia", "thomas", "candidate", "chloe"), strict=True):
        _book(session, slot, people[key])
    session.flush()
    session.add_all([
        CheckIn(edition_id=site.id, candidate_id=people[key].id, checked_in_by_id=users["organiser"].id,
                method="scan", scanned_at=at, created_at=at)
        for key, at in (("nadia", now - dt.timedelta(minutes=50)), ("thomas", now - dt.timedelta(minutes=20)))
    ])

    # Two of them applied since to offers of the recruiter's booth at the main fair: the inbox has
    # applications of people the company already rated and noted.
    offers = session.execute(select(Offer.id).where(Offer.booth_id == main_booth.id).order_by(Offer.id).limit(2)
                             ).scalars().all()
    session.add_all([
        Application(candidate_id=people[key].id, offer_id=offer_id, message=message,
                    created_at=now - dt.timedelta(hours=hours), status_changed_at=now - dt.timedelta(hours=hours))
        for (key, message, hours), offer_id in zip(
            (("amina", "Suite à notre entretien au forum de l'alternance, je candidate à ce poste.", 20),
             ("julien", "Je suis disponible dès janvier, CACES 1 et 3 en poche.", 6)), offers, strict=True)])

    # The job dating in two days: one booth ready, one with nobody to staff it yet.
    soon_day = today + dt.timedelta(days=2)
    soon = _edition(session, organiser, SOON_SLUG, SOON_TITLE,
                    "Une matinée d'entretiens en visio avec les hôtels, restaurants et traiteurs de la Métropole.",
                    EditionStatus.published, _local(soon_day, 9), _local(soon_day, 13), format=EditionFormat.online)
    hotels = next(i for i, c in enumerate(COMPANIES) if c.name == "Hôtels du Vieux-Lille")
    soon_booths = [Booth(edition=soon, company=company, pitch=COMPANIES[0].pitch, stand_number="H01"),
                   Booth(edition=soon, company=companies[hotels], pitch=COMPANIES[hotels].pitch, stand_number="H02")]
    session.add_all(soon_booths)
    session.add(EditionPartner(edition=soon, organisation=partners[0]))
    session.flush()
    session.add(BoothStaff(booth=soon_booths[0], user=recruiter, job_title="Chargée de recrutement"))
    _slots(session, soon_booths[0], recruiter, SlotMode.video, _local(soon_day, 9), _local(soon_day, 11))
    # A few offers of each company's booth at the main fair, published again at the job dating.
    for booth, company_id in zip(soon_booths, (company.id, companies[hotels].id), strict=True):
        for offer in session.execute(select(Offer).join(Booth, Booth.id == Offer.booth_id).where(
                Booth.edition_id == main_booth.edition_id, Booth.company_id == company_id).order_by(Offer.id).limit(3)
        ).scalars():
            session.add(Offer(booth_id=booth.id, **{column: getattr(offer, column) for column in OFFER_COPIED}))
    _network(session, partners, users, people, now)
    session.add(Referral(adviser_id=users["adviser"].id, partner_id=partners[0].id, candidate_id=people["yanis"].id,
                         status=ReferralStatus.pending, note="Cuisinier, cherche un poste en journée.",
                         created_at=now - dt.timedelta(days=1)))


NETWORK_NAME = "Union des structures d'insertion de la Métropole"


def _network(session, partners: list[Organisation], users: dict[str, User], people: dict[str, User],
             now: dt.datetime) -> None:
    """A union of two associations (Tremplin, the Mission locale), each with its referent, coordinated by
    the demo coordinator: five people of the alternance forum were referred by its members, and one of
    them agreed that the union sees her name (the others are counted, not named)."""
    union = Organisation(kind=OrganisationKind.network, network_type=NetworkType.union_of_associations,
                         name=NETWORK_NAME, city="Lille",
                         description="Les associations et la Mission locale de la Métropole, ensemble pour "
                                     "accompagner les habitants vers l'emploi.")
    referent = User(email="referente.ml@demo.fair", full_name="Inès Référente", phone="03 20 00 00 02",
                    password_hash="!" + secrets.token_hex(16), locale="fr", email_confirmed_at=now,
                    security_stamp=secrets.token_hex(16))
    users["adviser"].phone = users["adviser"].phone or "03 20 00 00 01"
    session.add_all([union, referent,
                     Membership(user=users["coordinator"], organisation=union, role=MembershipRole.owner),
                     Membership(user=referent, organisation=partners[1], role=MembershipRole.owner)])
    session.flush()
    session.add_all([NetworkMember(network_id=union.id, member_id=partners[0].id, referent_id=users["adviser"].id,
                                   joined_at=now - dt.timedelta(days=200)),
                     NetworkMember(network_id=union.id, member_id=partners[1].id, referent_id=referent.id,
                                   joined_at=now - dt.timedelta(days=120))])
    referred = [("amina", partners[0], users["adviser"]), ("julien", partners[0], users["adviser"]),
                ("kevin", partners[0], users["adviser"]), ("sofia", partners[1], referent),
                ("thomas", partners[1], referent)]
    for key, partner, adviser in referred:
        text = str(labels.CONSENT_TEXT % {"adviser": adviser.full_name, "partner": partner.name})
        session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=people[key].id,
                             status=ReferralStatus.confirmed, consent_text=text,
                             confirmed_at=now - dt.timedelta(days=20), created_at=now - dt.timedelta(days=21)))
        consent.give(session, people[key].id, ConsentPurpose.referral, text, consent.version_of(labels.CONSENT_TEXT),
                     organisation_id=partner.id, recorded_by_id=people[key].id, locale="fr")
    session.flush()
    with force_locale("fr"):
        for choice in network_choices(session, people["amina"].id):
            give_network_consent(session, people["amina"].id, choice)
