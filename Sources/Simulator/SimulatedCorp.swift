import ArchiveModel

/// A deterministic company: departments in finance, education and e-commerce, their staff,
/// customers and customer groups. The same seed always yields the same corp.
public struct SimulatedCorp: Sendable {
    public enum Industry: String, Sendable, CaseIterable { case finance, education, ecommerce }

    public struct Department: Sendable, Hashable {
        public var id: Int64
        public var name: String
        public var parentID: Int64?
        public var industry: Industry?
    }

    public struct Employee: Sendable, Hashable {
        public var userID: String
        public var name: String
        public var departmentID: Int64
        public var industry: Industry
        public var isLeader: Bool
        /// WeCom user status: 1 active, 5 resigned.
        public var status: Int
    }

    public struct Customer: Sendable, Hashable {
        public var externalUserID: String
        public var name: String
        public var industry: Industry
        /// The employee who serves this customer (changes when staff leave).
        public var ownerUserID: String
        public var isWeComUser: Bool
        public var corpName: String?
    }

    public struct Group: Sendable, Hashable {
        public var roomID: String
        public var name: String
        public var industry: Industry
        public var ownerUserID: String
        public var staff: [String]
        public var customers: [String]
    }

    public var corpID: String
    public var departments: [Department]
    public var employees: [Employee]
    public var customers: [Customer]
    public var groups: [Group]
    public var robotID: String

    public init(seed: UInt64, employeesPerTeam: Int = 6, customersPerEmployee: Int = 10) {
        var rng = SeededRandom(seed: seed ^ 0xC0A7)
        corpID = "ww" + rng.token(16).lowercased()
        robotID = "wb" + rng.token(30)
        departments = [
            Department(id: 1, name: "星河控股", parentID: nil, industry: nil),
            Department(id: 2, name: "财富管理部", parentID: 1, industry: .finance),
            Department(id: 21, name: "理财顾问一组", parentID: 2, industry: .finance),
            Department(id: 22, name: "理财顾问二组", parentID: 2, industry: .finance),
            Department(id: 3, name: "教育事业部", parentID: 1, industry: .education),
            Department(id: 31, name: "课程顾问组", parentID: 3, industry: .education),
            Department(id: 32, name: "学管服务组", parentID: 3, industry: .education),
            Department(id: 4, name: "电商事业部", parentID: 1, industry: .ecommerce),
            Department(id: 41, name: "售前客服组", parentID: 4, industry: .ecommerce),
            Department(id: 42, name: "售后服务组", parentID: 4, industry: .ecommerce),
        ]
        var usedIDs = Set<String>()
        var employees: [Employee] = []
        for department in departments where department.parentID != nil && department.parentID != 1 {
            for index in 0..<employeesPerTeam {
                var name = ""
                var userID = ""
                repeat {
                    let surname = rng.pick(Names.surnames)
                    let given = rng.pick(Names.givenNames)
                    name = surname.han + given.han
                    userID = surname.pinyin + given.pinyin
                    if usedIDs.contains(userID) { userID += String(Int.random(in: 2...99, using: &rng)) }
                } while usedIDs.contains(userID)
                usedIDs.insert(userID)
                employees.append(Employee(userID: userID, name: name, departmentID: department.id,
                                          industry: department.industry!, isLeader: index == 0, status: 1))
            }
        }
        var customers: [Customer] = []
        for employee in employees where !employee.isLeader {
            for _ in 0..<customersPerEmployee {
                let isWeCom = rng.chance(0.15)
                let surname = rng.pick(Names.surnames).han
                let name = rng.chance(0.5) ? surname + rng.pick(["先生", "女士", "老师", "总"]) : rng.pick(Names.nicknames)
                customers.append(Customer(
                    externalUserID: (isWeCom ? "wo" : "wm") + rng.token(30), name: name, industry: employee.industry,
                    ownerUserID: employee.userID, isWeComUser: isWeCom,
                    corpName: isWeCom ? rng.pick(["华信贸易有限公司", "远航科技", "明德实业", "佳和物流"]) : nil))
            }
        }
        var groups: [Group] = []
        for industry in Industry.allCases {
            let staff = employees.filter { $0.industry == industry }
            let clients = customers.filter { $0.industry == industry }
            let names: [String] = switch industry {
            case .finance: ["稳健理财交流群", "VIP客户服务群", "基金定投学习群"]
            case .education: ["初三数学冲刺家长群", "考研英语答疑群", "少儿编程体验课群"]
            case .ecommerce: ["会员福利群", "新品试用群", "售后服务群"]
            }
            for name in names {
                let owner = rng.pick(staff)
                var members = Set([owner.userID])
                for _ in 0..<2 { members.insert(rng.pick(staff).userID) }
                var groupCustomers = Set<String>()
                for _ in 0..<Int.random(in: 6...14, using: &rng) { groupCustomers.insert(rng.pick(clients).externalUserID) }
                groups.append(Group(roomID: "wr" + rng.token(30), name: name, industry: industry, ownerUserID: owner.userID,
                                    staff: members.sorted(), customers: groupCustomers.sorted()))
            }
        }
        self.employees = employees
        self.customers = customers
        self.groups = groups
    }

    public func employee(_ userID: String) -> Employee? { employees.first { $0.userID == userID } }

    public func department(_ id: Int64) -> Department? { departments.first { $0.id == id } }
}
